/**
 * IT policy from Windows Group Policy or Intune: values under
 * HKLM\Software\Policies\Strata (for the computer) and
 * HKCU\Software\Policies\Strata (for the person), read with `reg.exe query`.
 *
 * Each policy key is one value named like the key with a capital first letter
 * (`Region` REG_SZ, `RedirectPort` REG_DWORD). A list is a REG_MULTI_SZ, or a
 * subkey of numbered values as Chrome's policies do it (`AllowedModels\1`,
 * `AllowedModels\2`); `Locked` likewise. `RequiredGuardrail` and `Updates`
 * are subkeys of their own values (`Id`, `Version`; `Enabled`, `FeedUrl`,
 * `Channel`). Booleans are REG_DWORD 0 or 1.
 */
import { SETTING_KEYS } from '../../preload/contract';
import type { PolicySource } from './policy';
import { POLICY_RULE_KEYS } from './policy-rules';
import { runProgram, type RunProgram } from './run-program';

export const POLICY_REGISTRY_KEYS = ['HKCU\\Software\\Policies\\Strata', 'HKLM\\Software\\Policies\\Strata'] as const;

/** One registry value as `reg query` prints it. */
export interface RegistryValue {
  /** Its name as written (the maps are keyed by the lower-case name). */
  name: string;
  type: string;
  data: string | number | string[];
}

/** A registry key: its values and its subkeys, by lower-case name (Windows ignores case in both). */
export interface RegistryKey {
  path: string;
  /** Its own name as written. */
  name: string;
  values: Map<string, RegistryValue>;
  subkeys: Map<string, RegistryKey>;
}

const ROOTS: Record<string, string> = {
  HKEY_LOCAL_MACHINE: 'HKLM',
  HKEY_CURRENT_USER: 'HKCU',
  HKEY_CLASSES_ROOT: 'HKCR',
  HKEY_USERS: 'HKU',
  HKEY_CURRENT_CONFIG: 'HKCC',
};

/** `HKEY_LOCAL_MACHINE\Software\…` → `HKLM\Software\…`, as IT writes it. */
const shortPath = (path: string) => path.replace(/^(HKEY_[A-Z_]+)/, (root) => ROOTS[root] ?? root);

function dataOf(type: string, text: string): RegistryValue['data'] {
  switch (type) {
    case 'REG_DWORD':
    case 'REG_QWORD':
      return Number.parseInt(text, 16);
    case 'REG_MULTI_SZ':
      // reg.exe prints the strings joined by a literal \0.
      return text === '' ? [] : text.split('\\0');
    default:
      return text;
  }
}

/**
 * Parses what `reg query <key> /s` prints: a line with each key's full path, then its values
 * indented by four spaces as `name    REG_TYPE    data`. Returns the key queried with its subkeys.
 */
export function parseRegQuery(output: string, root: string): RegistryKey | undefined {
  const keys = new Map<string, RegistryKey>();
  let current: RegistryKey | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const value = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/.exec(line);
    if (value && current) {
      const [, name = '', type = '', data = ''] = value;
      current.values.set(name.toLowerCase(), { name, type, data: dataOf(type, data) });
    } else if (/^HKEY_/.test(line)) {
      const path = shortPath(line.trim());
      const cut = path.lastIndexOf('\\');
      current = { path, name: path.slice(cut + 1), values: new Map(), subkeys: new Map() };
      keys.set(path.toLowerCase(), current);
      keys.get(path.slice(0, cut).toLowerCase())?.subkeys.set(current.name.toLowerCase(), current);
    }
  }
  return keys.get(shortPath(root).toLowerCase());
}

/** `redirectPort` → `RedirectPort`: how each policy key is named in the registry. */
export const registryName = (key: string) => key[0]!.toUpperCase() + key.slice(1);

const SETTINGS = new Set<string>(SETTING_KEYS);
const LISTS = new Set(['locked', 'allowedCredentialSources', 'allowedModels', 'allowedAgents', 'allowedKnowledgeBases']);
const BOOLEANS = new Set(['allowExport', 'enabled']);
/** The policy keys that are subkeys of named values, and those values. */
const GROUPS: Record<string, string[]> = { requiredGuardrail: ['id', 'version'], updates: ['enabled', 'feedUrl', 'channel'] };
/** Every key a policy may have (settings included). */
const KNOWN = [...SETTING_KEYS, 'locked', 'lockReason', ...POLICY_RULE_KEYS];
const knownKey = (name: string, among: readonly string[] = KNOWN) => among.find((key) => key.toLowerCase() === name.toLowerCase());

/** A REG_DWORD 0 or 1 is a boolean where a boolean is expected; anything else stays as it is, to be refused by name. */
function plain(key: string, value: RegistryValue): unknown {
  if (BOOLEANS.has(key) && value.type === 'REG_DWORD' && (value.data === 0 || value.data === 1)) return value.data === 1;
  return value.data;
}

/** A list given as a subkey of numbered values (1, 2, …), in their numbers' order; a value not numbered is refused. */
function numberedList(key: RegistryKey): unknown {
  const entries = [...key.values.values()];
  if (entries.some((value) => !/^\d+$/.test(value.name))) return { notAList: true };
  return entries.sort((a, b) => Number(a.name) - Number(b.name)).map((value) => value.data);
}

/** Locked settings as IT may type them in the registry (`Region` or `region`), as Strata names them. */
function settingNames(list: unknown): unknown {
  return Array.isArray(list) ? list.map((name) => (typeof name === 'string' ? (knownKey(name, SETTING_KEYS) ?? name) : name)) : list;
}

/**
 * The policy document a registry key holds, in the shape every mechanism gives: the settings under
 * `settings`, the rest by name. A value or subkey Strata doesn't know keeps its own name, so the
 * check can name it.
 */
export function registryPolicy(key: RegistryKey): PolicySource {
  const document: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  const located = new Map<string, { name: string; where: string }>();
  const put = (docKey: string, value: unknown, name: string, where: string) => {
    located.set(docKey, { name, where });
    if (SETTINGS.has(docKey)) settings[docKey] = value;
    else document[docKey] = value;
  };
  for (const value of key.values.values()) {
    const docKey = knownKey(value.name) ?? value.name;
    const data = plain(docKey, value);
    put(docKey, docKey === 'locked' ? settingNames(data) : data, value.name, key.path);
  }
  for (const subkey of key.subkeys.values()) {
    const docKey = knownKey(subkey.name);
    if (docKey && LISTS.has(docKey)) {
      put(docKey, docKey === 'locked' ? settingNames(numberedList(subkey)) : numberedList(subkey), subkey.name, subkey.path);
    } else if (docKey && GROUPS[docKey]) {
      const group: Record<string, unknown> = {};
      for (const value of subkey.values.values()) {
        const field = knownKey(value.name, GROUPS[docKey]) ?? value.name;
        group[field] = plain(field, value);
      }
      put(docKey, group, subkey.name, subkey.path);
    } else {
      put(docKey ?? subkey.name, { subkey: subkey.path }, subkey.name, key.path);
    }
  }
  if (Object.keys(settings).length) document.settings = settings;
  return {
    origin: key.path,
    document,
    locate: (docKey) => located.get(docKey) ?? { name: registryName(docKey), where: key.path },
  };
}

/**
 * Reads both policy keys, the person's first so the computer's wins. A key that isn't there gives
 * nothing; one that can't be read gives a source that says so, which stops Strata.
 */
export async function readRegistryPolicy(run: RunProgram = runProgram, systemRoot = process.env.SystemRoot ?? 'C:\\Windows'): Promise<PolicySource[]> {
  const reg = `${systemRoot}\\System32\\reg.exe`;
  // Both at once (this runs before the window opens), kept in their order.
  const read = await Promise.all(
    POLICY_REGISTRY_KEYS.map(async (path): Promise<PolicySource | undefined> => {
      try {
        const { stdout } = await run(reg, ['query', path, '/s'], { timeout: 10_000 });
        const key = parseRegQuery(stdout, path);
        return key && registryPolicy(key);
      } catch (error) {
        const failure = error as { code?: unknown; killed?: boolean; stderr?: string };
        // reg.exe exits with 1 when the key isn't there (its message is in the system's language): no policy, the usual case.
        if (failure.code === 1 && !failure.killed) return undefined;
        const why = failure.killed ? 'reg.exe took too long to answer' : `reg.exe failed: ${(failure.stderr ?? String(error)).trim()}`;
        return { origin: path, unreadable: why };
      }
    }),
  );
  return read.filter((source) => source !== undefined);
}
