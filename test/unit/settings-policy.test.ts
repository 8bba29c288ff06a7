import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultPolicyPaths, loadPolicy } from '../../main/settings/policy';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-policy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function policyFile(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadPolicy', () => {
  it('is empty and quiet when no policy file exists', () => {
    expect(loadPolicy([path.join(dir, 'none.json'), path.join(dir, 'missing', 'policy.json')])).toEqual({
      settings: {},
      locked: [],
      notices: [],
    });
  });

  it('merges the files in order: the later file wins per setting and locks add up', () => {
    const bundled = policyFile('bundled.json', {
      settings: { companyName: 'Example Corp', region: 'eu-west-1' },
      locked: ['companyName'],
      lockReason: 'Set by the installer',
    });
    const machine = policyFile('machine.json', {
      settings: { region: 'eu-central-1', issuer: 'https://login.example.com' },
      locked: ['issuer', 'companyName'],
      lockReason: 'Managed by Example Corp IT',
    });
    const policy = loadPolicy([bundled, machine]);
    expect(policy.settings).toEqual({
      companyName: 'Example Corp',
      region: 'eu-central-1',
      issuer: 'https://login.example.com',
    });
    expect(policy.locked).toEqual(['companyName', 'issuer']);
    expect(policy.lockReason).toBe('Managed by Example Corp IT');
    expect(policy.notices).toEqual([]);
  });

  it('skips a file that is not valid JSON, tells the person to contact IT, and still applies the others', () => {
    const broken = policyFile('broken.json', '{ "settings": { "region": ');
    const good = policyFile('good.json', { settings: { region: 'eu-west-1' } });
    const policy = loadPolicy([good, broken]);
    expect(policy.settings).toEqual({ region: 'eu-west-1' });
    expect(policy.notices).toEqual([
      {
        id: `policy-unreadable:${broken}`,
        level: 'warning',
        message: `Your company's Strata policy file at ${broken} could not be read, so its settings were not applied. Tell IT.`,
      },
    ]);
  });

  it('skips a file with the wrong shape as a whole', () => {
    const wrong = policyFile('wrong.json', { settings: { region: 'eu-west-1' }, locked: 'issuer' });
    const policy = loadPolicy([wrong]);
    expect(policy.settings).toEqual({});
    expect(policy.locked).toEqual([]);
    expect(policy.notices.map((notice) => notice.id)).toEqual([`policy-unreadable:${wrong}`]);
  });

  it('reports a path it cannot read as a file', () => {
    const folder = path.join(dir, 'policy.json');
    mkdirSync(folder);
    expect(loadPolicy([folder]).notices.map((notice) => notice.id)).toEqual([`policy-unreadable:${folder}`]);
  });

  it('ignores settings and locks Strata does not know, and says so', () => {
    const file = policyFile('policy.json', {
      settings: { region: 'eu-west-1', colour: 'blue' },
      locked: ['region', 'colour'],
      lock: ['issuer'],
    });
    const policy = loadPolicy([file]);
    expect(policy.settings).toEqual({ region: 'eu-west-1' });
    expect(policy.locked).toEqual(['region']);
    expect(policy.notices.map((notice) => notice.id).sort()).toEqual([
      `policy-unknown:${file}:lock`,
      `policy-unknown:${file}:locked.colour`,
      `policy-unknown:${file}:settings.colour`,
    ]);
    expect(policy.notices[0]?.message).toContain('Tell IT');
  });

  it('reads a file saved with a byte-order mark (as Windows Notepad does)', () => {
    const file = policyFile('policy.json', `\uFEFF${JSON.stringify({ settings: { companyName: 'Example Corp' } })}`);
    expect(loadPolicy([file]).settings).toEqual({ companyName: 'Example Corp' });
  });
});

describe('defaultPolicyPaths', () => {
  it('looks in the installer resources first, then where IT places the machine-wide file', () => {
    expect(defaultPolicyPaths('linux', '/opt/Strata/resources', {})).toEqual([
      '/opt/Strata/resources/policy.json',
      '/etc/strata/policy.json',
    ]);
    expect(defaultPolicyPaths('darwin', '/Applications/Strata.app/Contents/Resources', {})).toEqual([
      '/Applications/Strata.app/Contents/Resources/policy.json',
      '/Library/Application Support/Strata/policy.json',
    ]);
    expect(
      defaultPolicyPaths('win32', 'C:\\Program Files\\Strata\\resources', { ProgramData: 'D:\\ProgramData' }),
    ).toEqual(['C:\\Program Files\\Strata\\resources\\policy.json', 'D:\\ProgramData\\Strata\\policy.json']);
    expect(defaultPolicyPaths('win32', 'C:\\Strata\\resources', {})[1]).toBe('C:\\ProgramData\\Strata\\policy.json');
  });
});
