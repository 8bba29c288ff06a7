/**
 * The settings form's pure logic: text shown per field, and the patch of
 * only what changed. Validation proper happens in main; here only what a
 * text box cannot carry (a port must be a whole number) is checked.
 */
import type { AppError, CompanySettings, SettingKey, SettingsPatch } from '../../../preload/contract';

/** The person's unsaved edits, as typed. */
export type SettingsDraft = Partial<Record<SettingKey, string>>;

export type PatchResult = { ok: true; patch: SettingsPatch } | { ok: false; key: SettingKey; message: string };

/** The text a field shows for a saved value. */
export function settingText(values: CompanySettings, key: SettingKey): string {
  return String(values[key]);
}

/** The text a field shows now: the edit if there is one, else the saved value. */
export function fieldText(values: CompanySettings, draft: SettingsDraft, key: SettingKey): string {
  return draft[key] ?? settingText(values, key);
}

/** The keys whose edited text differs from the saved value and that are not locked. */
export function changedKeys(
  values: CompanySettings,
  draft: SettingsDraft,
  locked: Partial<Record<SettingKey, string>>,
): SettingKey[] {
  return (Object.keys(draft) as SettingKey[]).filter(
    (key) => locked[key] === undefined && draft[key] !== undefined && draft[key] !== settingText(values, key),
  );
}

/** Builds `settings.update`'s input: only changed, unlocked keys; the port as a number. */
export function buildSettingsPatch(
  values: CompanySettings,
  draft: SettingsDraft,
  locked: Partial<Record<SettingKey, string>>,
): PatchResult {
  const patch: SettingsPatch = {};
  for (const key of changedKeys(values, draft, locked)) {
    const text = draft[key] ?? '';
    if (key === 'redirectPort') {
      const trimmed = text.trim();
      const port = Number(trimmed);
      if (!/^\d+$/.test(trimmed) || port > 65535) {
        return { ok: false, key, message: 'Enter a whole number from 0 to 65535 (0 picks any free port).' };
      }
      patch.redirectPort = port;
    } else {
      patch[key] = text;
    }
  }
  return { ok: true, patch };
}

/** What is wrong with each setting, by key, as the form shows it under the box. */
export type SettingProblems = Partial<Record<SettingKey, string>>;

/**
 * Finds which settings a rejected save is about, to mark those boxes. main
 * reports schema failures as "region: Looks like us-east-1; issuer: …"; when
 * it names none and only one setting was sent, that one is the culprit.
 */
export function problemsFromError(error: AppError, sent: readonly SettingKey[], known: readonly SettingKey[]): SettingProblems {
  const problems: SettingProblems = {};
  for (const match of (error.details ?? '').matchAll(/(?:^|[;\n])\s*([A-Za-z]+)\s*:\s*([^;\n]+)/g)) {
    const key = known.find((candidate) => candidate === match[1]);
    const message = match[2]?.trim();
    if (key && message && problems[key] === undefined) problems[key] = message;
  }
  const only = sent.length === 1 ? sent[0] : undefined;
  if (Object.keys(problems).length === 0 && only !== undefined) problems[only] = error.details ?? error.message;
  return problems;
}
