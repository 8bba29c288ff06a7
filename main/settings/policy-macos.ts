/**
 * IT policy from a macOS configuration profile: the managed preferences of
 * the domain com.strata.desktop that the system writes to
 * /Library/Managed Preferences (for the computer) and
 * /Library/Managed Preferences/<user> (for the person). The system may write
 * them as binary property lists, so each is converted to XML with plutil
 * first. Keys are the policy's keys at the top level (`region`, `locked`,
 * `allowedModels`); the settings need no `settings` dictionary around them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SETTING_KEYS } from '../../preload/contract';
import { parsePlist } from './plist';
import type { PolicySource } from './policy';
import { runProgram, type RunProgram } from './run-program';

export const MANAGED_PREFERENCES_DOMAIN = 'com.strata.desktop';
const MANAGED_PREFERENCES = '/Library/Managed Preferences';

/** The managed preferences files, the person's first so the computer's wins. */
export function managedPreferencesPaths(user: string): string[] {
  const file = `${MANAGED_PREFERENCES_DOMAIN}.plist`;
  return [path.posix.join(MANAGED_PREFERENCES, user, file), path.posix.join(MANAGED_PREFERENCES, file)];
}

/** Converts a property list file (binary or XML) to XML text. */
export type ToXml = (file: string) => Promise<string>;

/** The system may keep managed preferences as binary property lists: plutil turns either kind into XML. */
export async function plutilXml(file: string, run: RunProgram = runProgram): Promise<string> {
  try {
    return (await run('/usr/bin/plutil', ['-convert', 'xml1', '-o', '-', file], { timeout: 10_000 })).stdout;
  } catch (error) {
    const failure = error as { killed?: boolean; stderr?: string; message?: string };
    throw new Error(failure.killed ? 'plutil took too long to answer' : `plutil couldn't convert it: ${(failure.stderr || failure.message || '').trim()}`);
  }
}

/** Keys the system adds to managed preferences on its own; they are not Strata's to check. */
const SYSTEM_KEYS = new Set(['PayloadUUID', 'PayloadIdentifier', 'PayloadType', 'PayloadVersion', 'PayloadDisplayName', 'PayloadEnabled']);

/** The policy document in a managed preferences dictionary: settings gathered under `settings`, the rest as they are. */
export function preferencesPolicy(values: unknown, file: string): PolicySource {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    return { origin: file, unreadable: 'it is not a dictionary of preferences' };
  }
  const document: Record<string, unknown> = {};
  const settings: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (SYSTEM_KEYS.has(key)) continue;
    if ((SETTING_KEYS as readonly string[]).includes(key)) settings[key] = value;
    else document[key] = value;
  }
  if (Object.keys(settings).length) document.settings = settings;
  return { origin: file, document };
}

/** Reads the managed preferences that exist; one that can't be read gives a source that says so, which stops Strata. */
export async function readManagedPreferences(
  user: string,
  toXml: ToXml = plutilXml,
  exists: (file: string) => boolean = existsSync,
): Promise<PolicySource[]> {
  const sources: PolicySource[] = [];
  for (const file of managedPreferencesPaths(user)) {
    if (!exists(file)) continue;
    try {
      sources.push(preferencesPolicy(parsePlist(await toXml(file)), file));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      sources.push({ origin: file, unreadable: why });
    }
  }
  return sources;
}
