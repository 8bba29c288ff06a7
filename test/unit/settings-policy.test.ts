import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultPolicyPaths, loadPolicy, mergePolicy, policyProblemView, type PolicySource } from '../../main/settings/policy';
import { managedPreferencesPaths, plutilXml, preferencesPolicy, readManagedPreferences } from '../../main/settings/policy-macos';
import { parseRegQuery, readRegistryPolicy, registryPolicy } from '../../main/settings/policy-windows';
import { parsePlist } from '../../main/settings/plist';

const fixtures = path.join(import.meta.dirname, 'fixtures/policy');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');
const HKLM = 'HKLM\\Software\\Policies\\Strata';
const HKCU = 'HKCU\\Software\\Policies\\Strata';

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

const messages = (sources: PolicySource[]) => mergePolicy(sources).problems.map((problem) => problem.message);

describe('JSON policy files', () => {
  it('are empty and quiet when no policy file exists', () => {
    expect(loadPolicy([path.join(dir, 'none.json'), path.join(dir, 'missing', 'policy.json')])).toEqual({
      settings: {},
      locked: [],
      rules: {},
      problems: [],
      origins: [],
    });
  });

  it('read settings, locks and rules from the fixture', () => {
    const file = path.join(fixtures, 'policy.json');
    const policy = loadPolicy([file]);
    expect(policy.problems).toEqual([]);
    expect(policy.settings).toEqual({ companyName: 'Example Corp', issuer: 'https://login.example.com', region: 'us-west-2' });
    expect(policy.locked).toEqual(['issuer']);
    expect(policy.rules).toEqual({ allowedModels: ['amazon.nova-*'], allowedAgents: ['LIBRARIAN1'], allowExport: true });
    expect(policy.origins).toEqual([file]);
  });

  it('merge in order: the later file wins per setting and rule, and locks add up', () => {
    const bundled = policyFile('bundled.json', {
      settings: { companyName: 'Example Corp', region: 'eu-west-1' },
      locked: ['companyName'],
      lockReason: 'Set by the installer',
      allowedModels: ['amazon.*'],
      allowExport: false,
    });
    const machine = policyFile('machine.json', {
      settings: { region: 'eu-central-1', issuer: 'https://login.example.com' },
      locked: ['issuer', 'companyName'],
      lockReason: 'Managed by Example Corp IT',
      allowedModels: ['anthropic.claude-*'],
    });
    const policy = loadPolicy([bundled, machine]);
    expect(policy.settings).toEqual({ companyName: 'Example Corp', region: 'eu-central-1', issuer: 'https://login.example.com' });
    expect(policy.locked).toEqual(['companyName', 'issuer']);
    expect(policy.lockReason).toBe('Managed by Example Corp IT');
    expect(policy.rules).toEqual({ allowedModels: ['anthropic.claude-*'], allowExport: false });
    expect(policy.problems).toEqual([]);
  });

  it('read a file saved with a byte-order mark (as Windows Notepad does)', () => {
    const file = policyFile('policy.json', `\uFEFF${JSON.stringify({ settings: { companyName: 'Example Corp' } })}`);
    expect(loadPolicy([file]).settings).toEqual({ companyName: 'Example Corp' });
  });

  it('ship an example that is a valid policy', () => {
    const policy = loadPolicy([path.join(import.meta.dirname, '../../resources/policy.example.json')]);
    expect(policy.problems).toEqual([]);
    expect(policy.locked.length).toBeGreaterThan(0);
  });
});

describe('an invalid policy', () => {
  it('that is not valid JSON is a problem naming the file, not skipped', () => {
    const broken = policyFile('broken.json', '{ "settings": { "region": ');
    const good = policyFile('good.json', { settings: { region: 'eu-west-1' } });
    const policy = loadPolicy([good, broken]);
    expect(policy.problems).toHaveLength(1);
    expect(policy.problems[0]!.message).toMatch(new RegExp(`^The policy in ${broken.replace(/[\\.]/g, '\\$&')} can't be read: it isn't valid JSON \\(`));
  });

  it('that is a folder, not a file, is a problem', () => {
    const folder = path.join(dir, 'policy.json');
    mkdirSync(folder);
    expect(loadPolicy([folder]).problems.map((problem) => problem.message)).toEqual([
      `The policy in ${folder} can't be read: Strata isn't allowed to open it (EISDIR).`,
    ]);
  });

  it('that is not an object is a problem', () => {
    const file = policyFile('policy.json', '["region"]');
    expect(loadPolicy([file]).problems[0]!.message).toBe(
      `The policy in ${file} must be an object of policy keys, such as { "settings": { "region": "eu-west-1" } }.`,
    );
  });

  it('names each key Strata does not know, wherever it is', () => {
    const file = policyFile('policy.json', {
      settings: { region: 'eu-west-1', colour: 'blue' },
      locked: ['region', 'colour'],
      lock: ['issuer'],
    });
    expect(loadPolicy([file]).problems.map((problem) => problem.message)).toEqual([
      `The policy value \`colour\` in ${file} isn't a setting Strata knows.`,
      `The policy value \`locked\` in ${file} names “colour”, which isn't a setting Strata knows.`,
      `The policy value \`lock\` in ${file} isn't one Strata knows.`,
    ]);
  });

  it('with a value of the wrong type or shape names the key and says what it must be', () => {
    expect(messages([{ origin: '/etc/strata/policy.json', document: { settings: { region: 'Ireland' } } }])).toEqual([
      'The policy value `region` in /etc/strata/policy.json isn\'t valid: it must be an AWS Region, such as us-east-1.',
    ]);
    expect(messages([{ origin: 'p.json', document: { settings: { redirectPort: '33333' } } }])).toEqual([
      "The policy value `redirectPort` in p.json isn't valid: it must be a whole number from 0 to 65535 (0 picks any free port).",
    ]);
    expect(messages([{ origin: 'p.json', document: { settings: 'region=eu-west-1' } }])).toEqual([
      'The policy value `settings` in p.json must be an object of settings, such as { "region": "eu-west-1" }.',
    ]);
    expect(messages([{ origin: 'p.json', document: { locked: 'issuer' } }])).toEqual([
      'The policy value `locked` in p.json must be a list of setting names, such as ["region", "issuer"].',
    ]);
    expect(messages([{ origin: 'p.json', document: { lockReason: 42 } }])).toEqual([
      'The policy value `lockReason` in p.json must be text of at most 200 characters.',
    ]);
  });

  it('runs the same checks the settings use: an http sign-in address is refused unless it is on this computer', () => {
    expect(messages([{ origin: 'p.json', document: { settings: { issuer: 'http://login.example.com' } } }])).toEqual([
      "The policy value `issuer` in p.json isn't valid: it must be the full web address, starting with https://.",
    ]);
    expect(messages([{ origin: 'p.json', document: { settings: { issuer: 'http://127.0.0.1:9000' } } }])).toEqual([]);
  });

  it('checks every rule', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ allowedCredentialSources: [] }, '`allowedCredentialSources` in p.json isn\'t valid: list at least one sign-in source: company, profile, identity-center, environment, api-key.'],
      [{ allowedCredentialSources: ['company', 'sso'] }, '`allowedCredentialSources` in p.json isn\'t valid (entry 2): list the sign-in sources allowed'],
      [{ allowedModels: 'anthropic.*' }, '`allowedModels` in p.json isn\'t valid: list the models allowed.'],
      [{ allowedModels: ['anthropic.*.v1'] }, "`allowedModels` in p.json isn't valid (entry 1): each entry must be a model id"],
      [{ allowedAgents: ['LIBRARIAN1/live'] }, "`allowedAgents` in p.json isn't valid (entry 1): each entry must be an agent's ten-letter id"],
      [{ allowedKnowledgeBases: ['handbook'] }, "`allowedKnowledgeBases` in p.json isn't valid (entry 1): each entry must be a knowledge base's ten-letter id"],
      [{ requiredGuardrail: { id: 'abc123def456' } }, "`requiredGuardrail` in p.json isn't valid: give version: a version number (such as 1) or DRAFT."],
      [{ requiredGuardrail: { id: 'abc', version: '1', strength: 'high' } }, "`requiredGuardrail` in p.json isn't valid: give the guardrail as id and version, and nothing else."],
      [{ updates: { enabled: true, feedUrl: 'http://updates.example.com' } }, "`updates` in p.json isn't valid: give the update feed as a web address starting with https://."],
      [{ updates: { enabled: true, channel: 'nightly' } }, "`updates` in p.json isn't valid: give channel as latest, beta or alpha."],
      [{ allowExport: 'no' }, "`allowExport` in p.json isn't valid: give true or false."],
    ];
    for (const [document, message] of cases) {
      const [problem] = messages([{ origin: 'p.json', document }]);
      expect(problem).toContain(`The policy value ${message}`);
    }
  });

  it('accepts every rule at its fullest', () => {
    const policy = mergePolicy([
      {
        origin: 'p.json',
        document: {
          allowedCredentialSources: ['company', 'identity-center'],
          allowedModels: ['anthropic.claude-*', 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123'],
          allowedAgents: ['LIBRARIAN1', 'HRHELPER01/TSTALIASID'],
          allowedKnowledgeBases: ['KBHANDBOOK'],
          requiredGuardrail: { id: 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc123def456', version: 'DRAFT' },
          updates: { enabled: false, feedUrl: 'https://updates.example.com/strata', channel: 'beta' },
          allowExport: false,
        },
      },
    ]);
    expect(policy.problems).toEqual([]);
    expect(policy.rules.updates).toEqual({ enabled: false, feedUrl: 'https://updates.example.com/strata', channel: 'beta' });
  });

  it('becomes one message for the window naming the first problem, with every problem in the details', () => {
    const policy = mergePolicy([
      { origin: '/etc/strata/policy.json', document: { settings: { region: 'Ireland', colour: 'blue' } } },
    ]);
    const view = policyProblemView(policy)!;
    expect(view.message).toBe(
      "Strata can't start: your organization's settings have a problem. The policy value `region` in /etc/strata/policy.json isn't valid: it must be an AWS Region, such as us-east-1. (There is 1 more problem: see the details.) Tell IT.",
    );
    expect(view.details).toContain("- The policy value `colour` in /etc/strata/policy.json isn't a setting Strata knows.");
    expect(view.details).toContain('Policies read, in order (later wins): /etc/strata/policy.json');
    expect(policyProblemView(mergePolicy([]))).toBeUndefined();
  });
});

describe('Windows Group Policy (reg query)', () => {
  it('parses reg.exe output: REG_SZ, REG_DWORD in hex, REG_MULTI_SZ with \\0, and subkeys', () => {
    const key = parseRegQuery(fixture('reg-query-hklm.txt'), 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Strata')!;
    expect(key.path).toBe(HKLM);
    expect(key.values.get('region')).toEqual({ name: 'Region', type: 'REG_SZ', data: 'eu-west-1' });
    expect(key.values.get('redirectport')).toEqual({ name: 'RedirectPort', type: 'REG_DWORD', data: 33333 });
    expect(key.values.get('allowedmodels')?.data).toEqual(['anthropic.claude-*', 'amazon.nova-pro-v1:0']);
    expect([...key.subkeys.keys()]).toEqual(['allowedagents', 'locked', 'requiredguardrail', 'updates']);
    expect(parseRegQuery(fixture('reg-query-hklm.txt'), HKCU)).toBeUndefined();
  });

  it('gives the same policy document as the JSON file, with lists as numbered subkeys and booleans as DWORDs', () => {
    const source = registryPolicy(parseRegQuery(fixture('reg-query-hklm.txt'), HKLM)!);
    const policy = mergePolicy([source]);
    expect(policy.problems).toEqual([]);
    expect(policy.settings).toEqual({ companyName: 'Example Corp', issuer: 'https://login.example.com', region: 'eu-west-1', redirectPort: 33333 });
    expect(policy.locked).toEqual(['region', 'issuer']);
    expect(policy.lockReason).toBe('Managed by Example Corp IT');
    expect(policy.rules).toEqual({
      allowExport: false,
      allowedModels: ['anthropic.claude-*', 'amazon.nova-pro-v1:0'],
      allowedAgents: ['LIBRARIAN1/LIBLIVE001', 'HRHELPER01'],
      requiredGuardrail: { id: 'abc123def456', version: '3' },
      updates: { enabled: true, feedUrl: 'https://updates.example.com/strata', channel: 'beta' },
    });
  });

  it('names a wrong registry value by its registry name and key', () => {
    const output = [
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Strata',
      '    Region    REG_SZ    Ireland',
      '    RedirectPort    REG_SZ    33333',
      '    AllowExport    REG_DWORD    0x2',
      '    Colour    REG_SZ    blue',
      '',
      'HKEY_LOCAL_MACHINE\\Software\\Policies\\Strata\\AllowedModels',
      '    first    REG_SZ    anthropic.claude-*',
      '',
    ].join('\r\n');
    expect(messages([registryPolicy(parseRegQuery(output, HKLM)!)]).sort()).toEqual([
      `The policy value \`AllowExport\` in ${HKLM} isn't valid: give true or false.`,
      `The policy value \`AllowedModels\` in ${HKLM}\\AllowedModels isn't valid: list the models allowed.`,
      `The policy value \`Colour\` in ${HKLM} isn't one Strata knows.`,
      `The policy value \`RedirectPort\` in ${HKLM} isn't valid: it must be a whole number from 0 to 65535 (0 picks any free port).`,
      `The policy value \`Region\` in ${HKLM} isn't valid: it must be an AWS Region, such as us-east-1.`,
    ]);
  });

  it("reads the person's key, then the computer's, which wins; a missing key is no policy", async () => {
    const run = vi.fn(async (_file: string, args: string[], _options: { timeout: number }) => {
      if (args[1] === HKLM) return { stdout: fixture('reg-query-hklm.txt') };
      if (args[1] === HKCU) return { stdout: fixture('reg-query-hkcu.txt') };
      throw new Error('unexpected');
    });
    const sources = await readRegistryPolicy(run, 'C:\\Windows');
    expect(run.mock.calls.map(([file, args, options]) => [file, args, options])).toEqual([
      ['C:\\Windows\\System32\\reg.exe', ['query', HKCU, '/s'], { timeout: 10_000 }],
      ['C:\\Windows\\System32\\reg.exe', ['query', HKLM, '/s'], { timeout: 10_000 }],
    ]);
    const policy = mergePolicy(sources);
    expect(policy.settings.region).toBe('eu-west-1');
    expect(policy.settings.proxy).toBe('http://proxy.example.com:8080');
    expect(policy.rules.allowedCredentialSources).toEqual(['company', 'identity-center']);

    const missing = Object.assign(new Error('Command failed'), { code: 1, stderr: 'ERROR: The system was unable to find the specified registry key or value.' });
    const onlyMachine = await readRegistryPolicy(async (_file, args) => {
      if (args[1] === HKCU) throw missing;
      return { stdout: fixture('reg-query-hklm.txt') };
    });
    expect(onlyMachine.map((source) => source.origin)).toEqual([HKLM]);
  });

  it('stops Strata when reg.exe cannot answer, rather than running without the policy', async () => {
    const timedOut = Object.assign(new Error('Command failed'), { killed: true, code: null });
    const sources = await readRegistryPolicy(async () => {
      throw timedOut;
    });
    expect(messages(sources)).toEqual([
      `The policy in ${HKCU} can't be read: reg.exe took too long to answer.`,
      `The policy in ${HKLM} can't be read: reg.exe took too long to answer.`,
    ]);
  });
});

describe('macOS managed preferences (configuration profile)', () => {
  it('parses an XML property list strictly', () => {
    expect(parsePlist(fixture('managed-preferences.xml'))).toMatchObject({
      companyName: 'Example & Co',
      redirectPort: 33333,
      locked: ['region', 'companyName'],
      allowedKnowledgeBases: [],
      allowExport: false,
      updates: { enabled: true, channel: 'latest' },
    });
    expect(parsePlist('<plist><array><real>1.5</real><string/><true/></array></plist>')).toEqual([1.5, '', true]);
    expect(() => parsePlist('<plist><dict><key>a</key><data>AAAA</data></dict></plist>')).toThrow("has a <data>, which Strata doesn't read");
    expect(() => parsePlist('<plist><dict><key>a</key><string>x</string><key>a</key><string>y</string></dict></plist>')).toThrow('has the key “a” twice');
    expect(() => parsePlist('<plist><dict><string>x</string></dict></plist>')).toThrow('without its <key>');
    expect(() => parsePlist('<plist><integer>1.5</integer></plist>')).toThrow("isn't a whole number");
    expect(() => parsePlist('<plist><string>a & b</string></plist>')).toThrow('“&”');
    expect(() => parsePlist('<plist><string>x</plist>')).toThrow('without its </string>');
    expect(() => parsePlist('<dict></dict>')).toThrow('does not start with <plist>');
  });

  it('gives the same policy document as the JSON file, with settings at the top level', () => {
    const file = '/Library/Managed Preferences/com.strata.desktop.plist';
    const policy = mergePolicy([preferencesPolicy(parsePlist(fixture('managed-preferences.xml')), file)]);
    expect(policy.problems).toEqual([]);
    expect(policy.settings).toEqual({ companyName: 'Example & Co', region: 'eu-west-1', redirectPort: 33333 });
    expect(policy.locked).toEqual(['region', 'companyName']);
    expect(policy.rules).toEqual({
      allowedModels: ['anthropic.claude-*'],
      allowedKnowledgeBases: [],
      allowExport: false,
      requiredGuardrail: { id: 'abc123def456', version: 'DRAFT' },
      updates: { enabled: true, channel: 'latest' },
    });
  });

  it("converts each profile with plutil (the system may write binary ones), the person's first so the computer's wins", async () => {
    const toXml = vi.fn(async (file: string) =>
      file.includes('/ada/')
        ? '<plist><dict><key>region</key><string>eu-central-1</string><key>clientId</key><string>person</string></dict></plist>'
        : fixture('managed-preferences.xml'),
    );
    const sources = await readManagedPreferences('ada', toXml, () => true);
    expect(toXml.mock.calls.map(([file]) => file)).toEqual(managedPreferencesPaths('ada'));
    expect(managedPreferencesPaths('ada')).toEqual([
      '/Library/Managed Preferences/ada/com.strata.desktop.plist',
      '/Library/Managed Preferences/com.strata.desktop.plist',
    ]);
    const policy = mergePolicy(sources);
    expect(policy.settings).toMatchObject({ region: 'eu-west-1', clientId: 'person' });
    expect(await readManagedPreferences('ada', toXml, () => false)).toEqual([]);
  });

  it('runs plutil to turn a binary property list into XML', async () => {
    const run = vi.fn(async () => ({ stdout: '<plist><dict/></plist>' }));
    expect(await plutilXml('/Library/Managed Preferences/com.strata.desktop.plist', run)).toBe('<plist><dict/></plist>');
    expect(run).toHaveBeenCalledWith('/usr/bin/plutil', ['-convert', 'xml1', '-o', '-', '/Library/Managed Preferences/com.strata.desktop.plist'], {
      timeout: 10_000,
    });
  });

  it('stops Strata when a profile cannot be read, naming it', async () => {
    const file = '/Library/Managed Preferences/com.strata.desktop.plist';
    const failing = async () => {
      throw Object.assign(new Error('Command failed'), { code: 1, stderr: 'Property List error: Unexpected character b at line 1' });
    };
    const sources = await readManagedPreferences('ada', (target) => plutilXml(target, failing), (target) => target === file);
    expect(messages(sources)).toEqual([
      `The policy in ${file} can't be read: plutil couldn't convert it: Property List error: Unexpected character b at line 1.`,
    ]);
    const wrong = await readManagedPreferences('ada', async () => '<plist><string>x</string></plist>', (target) => target === file);
    expect(messages(wrong)).toEqual([`The policy in ${file} can't be read: it is not a dictionary of preferences.`]);
    const badValue = await readManagedPreferences(
      'ada',
      async () => '<plist><dict><key>allowExport</key><string>no</string></dict></plist>',
      (target) => target === file,
    );
    expect(messages(badValue)).toEqual([`The policy value \`allowExport\` in ${file} isn't valid: give true or false.`]);
  });
});

describe('precedence across mechanisms', () => {
  it('applies the bundled file, the computer file, then what the system manages; locks add up', () => {
    const bundled = policyFile('bundled.json', { settings: { region: 'us-east-1', companyName: 'Bundled' }, locked: ['companyName'] });
    const machine = policyFile('machine.json', { settings: { region: 'us-west-2' }, allowExport: true });
    const managed = registryPolicy(parseRegQuery(fixture('reg-query-hklm.txt'), HKLM)!);
    const policy = loadPolicy([bundled, machine], [managed]);
    expect(policy.settings.region).toBe('eu-west-1');
    expect(policy.settings.companyName).toBe('Example Corp');
    expect(policy.locked).toEqual(['companyName', 'region', 'issuer']);
    expect(policy.rules.allowExport).toBe(false);
    expect(policy.origins).toEqual([bundled, machine, HKLM]);
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
