/** The Personal section's pure logic: which problems go beside which preference. */
import type { AppError, PersonalPreferences } from '../../../preload/contract';

export type PreferenceKey = keyof PersonalPreferences;

/** Every preference, checked against the contract's type so none is missed. */
const PREFERENCE_KEYS = Object.keys({
  theme: true,
  textSize: true,
  defaultModelId: true,
  defaultInstructions: true,
  enterToSend: true,
} satisfies Record<PreferenceKey, true>) as PreferenceKey[];

/** A failed change, sorted: each problem beside its preference, the rest (a full disk, say) as one notice. */
export function preferenceProblems(error: AppError | null): {
  problems: Partial<Record<PreferenceKey, string>>;
  notice: AppError | null;
} {
  const problems: Partial<Record<PreferenceKey, string>> = {};
  for (const key of PREFERENCE_KEYS) {
    const sentence = error?.fields?.[key];
    if (sentence) problems[key] = sentence;
  }
  return { problems, notice: error && Object.keys(problems).length === 0 ? error : null };
}
