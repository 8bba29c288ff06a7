/** The templates IT deploys the policy with: Group Policy's ADMX/ADML and the macOS configuration profile. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../preload/contract';
import { mergePolicy } from '../../main/settings/policy';
import { preferencesPolicy } from '../../main/settings/policy-macos';
import { POLICY_RULE_KEYS } from '../../main/settings/policy-rules';
import { registryName } from '../../main/settings/policy-windows';
import { parsePlist, type PlistValue } from '../../main/settings/plist';

const resources = path.join(import.meta.dirname, '../../resources/policy');
const POLICY_KEYS = [...SETTING_KEYS, 'locked', 'lockReason', ...POLICY_RULE_KEYS];
const LISTS = ['locked', 'allowedCredentialSources', 'allowedModels', 'allowedAgents', 'allowedKnowledgeBases'];
const ROOT = 'Software\\Policies\\Strata';

/** Parses XML strictly: any well-formedness error fails the test. */
function xml(file: string) {
  const problems: string[] = [];
  const document = new DOMParser({
    errorHandler: { warning: (m) => problems.push(m), error: (m) => problems.push(m), fatalError: (m) => problems.push(m) },
  }).parseFromString(readFileSync(path.join(resources, file), 'utf8'), 'text/xml');
  expect(problems).toEqual([]);
  return document;
}

const elements = (parent: { getElementsByTagName(name: string): ArrayLike<Element> }, name: string) =>
  Array.from(parent.getElementsByTagName(name));

describe('the Group Policy template (ADMX/ADML)', () => {
  const admx = xml('windows/strata.admx');
  const adml = xml('windows/en-US/strata.adml');
  const policies = new Map(elements(admx, 'policy').map((policy) => [policy.getAttribute('name')!, policy]));

  it('has a policy for every key, writing the registry value Strata reads', () => {
    for (const key of POLICY_KEYS) {
      const name = registryName(key);
      const policy = policies.get(name);
      expect(policy, `no policy for ${key}`).toBeDefined();
      const inner = elements(policy!, 'elements')[0];
      const children = inner ? Array.from(inner.childNodes as ArrayLike<Node>).filter((node): node is Element => node.nodeType === 1) : [];
      if (LISTS.includes(key)) {
        // A list is a subkey of numbered values (valuePrefix="" numbers them 1, 2, …).
        expect(children.map((child) => [child.tagName, child.getAttribute('key'), child.getAttribute('valuePrefix')])).toEqual([
          ['list', `${ROOT}\\${name}`, ''],
        ]);
      } else if (key === 'requiredGuardrail' || key === 'updates') {
        expect(policy!.getAttribute('key')).toBe(`${ROOT}\\${name}`);
        const fields = key === 'updates' ? ['Enabled', 'FeedUrl', 'Channel'] : ['Id', 'Version'];
        expect(children.map((child) => child.getAttribute('valueName'))).toEqual(fields);
      } else {
        expect(policy!.getAttribute('key')).toBe(ROOT);
        const valueName = policy!.getAttribute('valueName') || children[0]?.getAttribute('valueName');
        expect(valueName).toBe(name);
        if (key === 'redirectPort') expect(children[0]?.tagName).toBe('decimal');
        if (key === 'allowExport') expect(elements(policy!, 'enabledValue')).toHaveLength(1);
      }
    }
    expect(policies.size).toBe(POLICY_KEYS.length);
  });

  it('has a string and a presentation in the ADML for every reference in the ADMX', () => {
    const text = readFileSync(path.join(resources, 'windows/strata.admx'), 'utf8');
    const strings = new Set(elements(adml, 'string').map((string) => string.getAttribute('id')));
    const presentations = new Map(elements(adml, 'presentation').map((presentation) => [presentation.getAttribute('id'), presentation]));
    const stringRefs = [...text.matchAll(/\$\(string\.([\w.]+)\)/g)].map((match) => match[1]);
    const presentationRefs = [...text.matchAll(/\$\(presentation\.([\w.]+)\)/g)].map((match) => match[1]);
    expect(stringRefs.length).toBeGreaterThan(POLICY_KEYS.length * 2);
    expect(stringRefs.filter((id) => !strings.has(id!))).toEqual([]);
    expect(presentationRefs.filter((id) => !presentations.has(id!))).toEqual([]);
    // Each control of a presentation belongs to an element of its policy.
    for (const [name, policy] of policies) {
      const ids = new Set(elements(policy, '*').map((element) => element.getAttribute('id')).filter(Boolean));
      const presentation = presentations.get(name);
      if (!presentation) continue;
      for (const control of elements(presentation, '*').filter((element) => element.getAttribute('refId'))) {
        expect(ids.has(control.getAttribute('refId')), `${name}: ${control.getAttribute('refId')}`).toBe(true);
      }
    }
  });
});

describe('the macOS configuration profile', () => {
  const profile = parsePlist(readFileSync(path.join(resources, 'macos/com.strata.desktop.mobileconfig'), 'utf8')) as Record<string, PlistValue>;
  const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

  it('is a configuration profile with a Strata preferences payload', () => {
    expect(profile).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadIdentifier: expect.any(String) });
    expect(profile.PayloadUUID).toMatch(UUID);
    const [payload] = profile.PayloadContent as Array<Record<string, PlistValue>>;
    expect(payload).toMatchObject({ PayloadType: 'com.strata.desktop', PayloadVersion: 1, PayloadIdentifier: expect.any(String) });
    expect(payload!.PayloadUUID).toMatch(UUID);
    expect(payload!.PayloadUUID).not.toBe(profile.PayloadUUID);
  });

  it('covers every key with a valid value, as Strata reads managed preferences', () => {
    const [payload] = profile.PayloadContent as Array<Record<string, PlistValue>>;
    const keys = Object.keys(payload!).filter((key) => !key.startsWith('Payload'));
    expect(keys.sort()).toEqual([...POLICY_KEYS].sort());
    const policy = mergePolicy([preferencesPolicy(payload, 'com.strata.desktop.mobileconfig')]);
    expect(policy.problems).toEqual([]);
    expect(policy.rules.allowedModels).toEqual(['anthropic.claude-*', 'amazon.nova-pro-v1:0']);
  });
});
