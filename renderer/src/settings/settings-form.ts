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

/** What is wrong with each setting, by key, as the form shows it beside the box. */
export type SettingProblems = Partial<Record<SettingKey, string>>;

/** How a rejected save is shown: each problem once, beside its setting; the footer only for what no box can carry. */
export interface SaveFailure {
  problems: SettingProblems;
  /** For the footer: an error that belongs to no setting (the disk is full, say); null when the boxes say it all. */
  notice: AppError | null;
}

/**
 * Sorts a rejected save into problems beside settings and a notice for the
 * rest. main names each setting's problem in `fields`, as a sentence; an
 * invalid-input error that names none (a setting IT locked meanwhile) is
 * about the only setting sent, if only one was.
 */
export function describeSaveFailure(error: AppError, sent: readonly SettingKey[], known: readonly SettingKey[]): SaveFailure {
  const problems: SettingProblems = {};
  for (const [field, sentence] of Object.entries(error.fields ?? {})) {
    const key = known.find((candidate) => candidate === field);
    if (key) problems[key] = sentence;
  }
  const only = sent.length === 1 ? sent[0] : undefined;
  if (Object.keys(problems).length === 0 && error.code === 'invalid-input' && only !== undefined) problems[only] = error.message;
  return { problems, notice: Object.keys(problems).length === 0 ? error : null };
}

/** The footer's short line while settings have problems beside them; null when none do. */
export function problemSummary(problems: SettingProblems): string | null {
  const count = Object.values(problems).filter((problem) => problem !== undefined).length;
  if (count === 0) return null;
  return count === 1 ? 'One setting needs a change before it can be saved.' : `${count} settings need a change before they can be saved.`;
}
