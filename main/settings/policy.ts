/**
 * The IT policy: company settings shipped with the installer or placed on the
 * machine by IT, optionally locking some of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SETTING_KEYS, type Notice, type SettingKey } from '../../preload/contract';
import type { PolicyLayer } from './layers';

/** The merged policy, with what went wrong reading it. */
export interface LoadedPolicy extends PolicyLayer {
  locked: SettingKey[];
  notices: Notice[];
}

const policyFileSchema = z.looseObject({
  settings: z.record(z.string(), z.unknown()).optional(),
  locked: z.array(z.string()).optional(),
  lockReason: z.string().max(200).optional(),
});
const KNOWN_TOP_LEVEL = new Set(Object.keys(policyFileSchema.shape));

/** Where a policy may be, in the order they apply (later wins). */
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

/** Reads and merges the policy files that exist; a broken one is skipped with a notice rather than stopping Strata. */
export function loadPolicy(paths: readonly string[]): LoadedPolicy {
  const merged: LoadedPolicy = { settings: {}, locked: [], notices: [] };
  for (const file of paths) {
    const text = readIfPresent(file, merged.notices);
    if (text === undefined) continue;
    const parsed = parsePolicy(text);
    if (!parsed) {
      merged.notices.push(unreadableNotice(file));
      continue;
    }
    for (const key of Object.keys(parsed)) {
      if (!KNOWN_TOP_LEVEL.has(key)) merged.notices.push(unknownNotice(file, key));
    }
    for (const [key, value] of Object.entries(parsed.settings ?? {})) {
      if (isSettingKey(key)) merged.settings[key] = value;
      else merged.notices.push(unknownNotice(file, `settings.${key}`));
    }
    for (const key of parsed.locked ?? []) {
      if (!isSettingKey(key)) merged.notices.push(unknownNotice(file, `locked.${key}`));
      else if (!merged.locked.includes(key)) merged.locked.push(key);
    }
    if (parsed.lockReason?.trim()) merged.lockReason = parsed.lockReason.trim();
  }
  return merged;
}

function readIfPresent(file: string, notices: Notice[]): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    // Most machines have no policy at all; only a file that exists but can't be read is worth telling anyone.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') notices.push(unreadableNotice(file));
    return undefined;
  }
}

function parsePolicy(text: string): z.infer<typeof policyFileSchema> | undefined {
  try {
    // Notepad saves UTF-8 with a byte-order mark, which JSON.parse rejects.
    const result = policyFileSchema.safeParse(JSON.parse(text.replace(/^\uFEFF/, '')));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

function isSettingKey(key: string): key is SettingKey {
  return (SETTING_KEYS as readonly string[]).includes(key);
}

function unreadableNotice(file: string): Notice {
  return {
    id: `policy-unreadable:${file}`,
    level: 'warning',
    message: `Your company's Strata policy file at ${file} could not be read, so its settings were not applied. Tell IT.`,
  };
}

/** `where` is the entry's place in the file (`settings.colour`), so each mistake has its own notice. */
function unknownNotice(file: string, where: string): Notice {
  return {
    id: `policy-unknown:${file}:${where}`,
    level: 'warning',
    message: `Your company's Strata policy file at ${file} mentions “${where}”, which Strata doesn't know, so it was ignored. Tell IT.`,
  };
}
