/**
 * The IT policy: company settings and rules from wherever IT puts them — a
 * JSON file shipped with the installer or placed on the computer, Windows
 * Group Policy / Intune (the registry), or a macOS configuration profile
 * (managed preferences) — optionally locking some settings.
 *
 * Every mechanism gives the same document: `settings` (preset values),
 * `locked`, `lockReason`, and the rules of policy-rules.ts. They apply in
 * order, later winning: the bundled file, the computer's file, then what the
 * operating system manages (the person's, then the computer's).
 *
 * A policy is all right or it stops Strata: one that can't be read, or has a
 * key Strata doesn't know or a value that isn't valid, is a problem that names
 * the key and where it is, and Strata won't sign in or chat until IT fixes it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { companySettingsSchema, SETTING_KEYS, type PolicyView, type SettingKey } from '../../preload/contract';
import type { PolicyLayer, RawSettings } from './layers';
import { readManagedPreferences } from './policy-macos';
import { policyRuleSchemas, POLICY_RULE_KEYS, type PolicyRuleKey, type PolicyRulesDocument } from './policy-rules';
import { readRegistryPolicy } from './policy-windows';

/** One policy as one mechanism gave it, not yet checked. */
export interface PolicySource {
  /** Where it is, as IT finds it: a file's path, a registry key. */
  origin: string;
  /** The document; absent when it couldn't be read, and `unreadable` says why. */
  document?: unknown;
  unreadable?: string;
  /** How a key of the document is named here and where it is (a registry value's key); by default the key itself, in `origin`. */
  locate?: (key: string) => { name: string; where: string };
}

/** Something wrong with the policy, in a sentence that names the key and where it is. */
export interface PolicyProblem {
  /** The key as named where it is ("region", or "Region" in the registry); '' for the whole policy. */
  name: string;
  where: string;
  message: string;
}

/** The merged policy: the settings layer, the rules, and what is wrong with it. */
export interface LoadedPolicy extends PolicyLayer {
  locked: SettingKey[];
  rules: PolicyRulesDocument;
  /** Empty when the policy is all right; otherwise Strata won't sign in or chat. */
  problems: PolicyProblem[];
  /** Where the policies that applied were, in order. */
  origins: string[];
}

const TOP_LEVEL = new Set<string>(['settings', 'locked', 'lockReason', ...POLICY_RULE_KEYS]);
const LOCK_REASON_MAX = 200;

/** Where a policy file may be, in the order they apply (later wins). */
export function defaultPolicyPaths(
  platform: NodeJS.Platform,
  resourcesPath: string,
  env: Record<string, string | undefined>,
): string[] {
  // The target platform decides the path syntax, not the machine running this.
  const paths = platform === 'win32' ? path.win32 : path.posix;
  const bundled = paths.join(resourcesPath, 'policy.json');
  switch (platform) {
    case 'win32':
      return [bundled, paths.join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'Strata', 'policy.json')];
    case 'darwin':
      return [bundled, '/Library/Application Support/Strata/policy.json'];
    default:
      return [bundled, '/etc/strata/policy.json'];
  }
}

/**
 * What the operating system manages for Strata, in the order it applies: Group Policy or Intune
 * (the registry) on Windows, configuration profiles (managed preferences) on macOS; nothing elsewhere.
 */
export async function readManagedPolicy(platform: NodeJS.Platform, user: string): Promise<PolicySource[]> {
  if (platform === 'win32') return readRegistryPolicy();
  if (platform === 'darwin') return readManagedPreferences(user);
  return [];
}

/** Reads the policy files that exist and merges them with what the operating system manages (`managed`, applied last). */
export function loadPolicy(paths: readonly string[], managed: readonly PolicySource[] = []): LoadedPolicy {
  const files = paths.map(readPolicyFile).filter((source) => source !== undefined);
  return mergePolicy([...files, ...managed]);
}

/** A JSON policy file; undefined when there is none (most computers). */
export function readPolicyFile(file: string): PolicySource | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    return { origin: file, unreadable: `Strata isn't allowed to open it (${code ?? String(error)})` };
  }
  try {
    // Notepad saves UTF-8 with a byte-order mark, which JSON.parse rejects.
    return { origin: file, document: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { origin: file, unreadable: `it isn't valid JSON (${(error as Error).message})` };
  }
}

/** Checks each policy and merges them, later ones winning key by key; locks add up. */
export function mergePolicy(sources: readonly PolicySource[]): LoadedPolicy {
  const merged: LoadedPolicy = { settings: {}, locked: [], rules: {}, problems: [], origins: [] };
  for (const source of sources) {
    merged.origins.push(source.origin);
    const checked = checkSource(source);
    merged.problems.push(...checked.problems);
    Object.assign(merged.settings, checked.settings);
    for (const key of checked.locked) if (!merged.locked.includes(key)) merged.locked.push(key);
    if (checked.lockReason) merged.lockReason = checked.lockReason;
    Object.assign(merged.rules, checked.rules);
  }
  return merged;
}

interface CheckedSource {
  settings: RawSettings;
  locked: SettingKey[];
  lockReason?: string;
  rules: PolicyRulesDocument;
  problems: PolicyProblem[];
}

function checkSource(source: PolicySource): CheckedSource {
  const checked: CheckedSource = { settings: {}, locked: [], rules: {}, problems: [] };
  const locate = (key: string) => source.locate?.(key) ?? { name: key, where: source.origin };
  const problem = (key: string, text: string) => {
    const { name, where } = locate(key);
    checked.problems.push({ name, where, message: `The policy value \`${name}\` in ${where} ${text}` });
  };
  const whole = (text: string) => checked.problems.push({ name: '', where: source.origin, message: `The policy in ${source.origin} ${text}` });

  if (source.unreadable !== undefined) {
    whole(`can't be read: ${source.unreadable.replace(/\.$/, '')}.`);
    return checked;
  }
  const document = source.document;
  if (!isRecord(document)) {
    whole('must be an object of policy keys, such as { "settings": { "region": "eu-west-1" } }.');
    return checked;
  }
  for (const [key, value] of Object.entries(document)) {
    if (!TOP_LEVEL.has(key)) {
      problem(key, "isn't one Strata knows.");
    } else if (key === 'settings') {
      if (!isRecord(value)) {
        problem(key, 'must be an object of settings, such as { "region": "eu-west-1" }.');
        continue;
      }
      for (const [name, raw] of Object.entries(value)) {
        if (!isSettingKey(name)) {
          problem(name, "isn't a setting Strata knows.");
          continue;
        }
        const parsed = companySettingsSchema.shape[name].safeParse(raw);
        if (parsed.success) checked.settings[name] = parsed.data;
        else problem(name, invalid(parsed.error));
      }
    } else if (key === 'locked') {
      if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
        problem(key, `must be a list of setting names, such as ["region", "issuer"].`);
        continue;
      }
      for (const name of value as string[]) {
        if (isSettingKey(name)) checked.locked.push(name);
        else problem(key, `names “${name}”, which isn't a setting Strata knows.`);
      }
    } else if (key === 'lockReason') {
      if (typeof value !== 'string' || value.length > LOCK_REASON_MAX) problem(key, `must be text of at most ${LOCK_REASON_MAX} characters.`);
      else if (value.trim()) checked.lockReason = value.trim();
    } else {
      const rule = key as PolicyRuleKey;
      const parsed = policyRuleSchemas[rule].safeParse(value);
      if (parsed.success) (checked.rules as Record<string, unknown>)[rule] = parsed.data;
      else problem(rule, invalid(parsed.error));
    }
  }
  return checked;
}

/** Why a value isn't valid, from the schema's words for people: "isn't valid: it must be an AWS Region, such as us-east-1." */
function invalid(error: z.ZodError): string {
  const issue = error.issues[0];
  const text = (issue?.message ?? 'The value is wrong.').replace(/^Enter (an?|the) /, 'it must be $1 ');
  const entry = typeof issue?.path[0] === 'number' ? ` (entry ${issue.path[0] + 1})` : '';
  return `isn't valid${entry}: ${text[0]!.toLowerCase()}${text.slice(1)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

/** What the window shows for a policy with problems: one sentence to act on, and every problem for "Copy details". */
export function policyProblemView(policy: LoadedPolicy): PolicyView['problem'] {
  const [first, ...more] = policy.problems;
  if (!first) return undefined;
  const others = more.length ? ` (There ${more.length === 1 ? 'is 1 more problem' : `are ${more.length} more problems`}: see the details.)` : '';
  return {
    message: `Strata can't start: your organization's settings have a problem. ${first.message}${others} Tell IT.`,
    details: [
      "Strata's IT policy has problems; Strata won't sign in or chat until they are fixed.",
      ...policy.problems.map((problem) => `- ${problem.message}`),
      `Policies read, in order (later wins): ${policy.origins.join('; ')}`,
    ].join('\n'),
  };
}
