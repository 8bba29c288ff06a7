/**
 * Input that failed its schema, said for people: each field's problem as a
 * sentence the renderer shows beside that field, never a validator's own
 * wording or a key name in the message.
 */
import type { z } from 'zod';
import { StrataError } from '../errors';

/**
 * Words for the checks a schema did not word itself (its own messages win).
 * Pass as `safeParse(input, { error: plainIssueMessage })`.
 */
export const plainIssueMessage: z.core.$ZodErrorMap = (issue) => {
  const limit = (value: unknown) => (typeof value === 'number' || typeof value === 'bigint' ? value.toLocaleString('en-US') : '');
  if (issue.code === 'too_big' && issue.origin === 'string') return `This is too long: keep it to ${limit(issue.maximum)} characters or fewer.`;
  if (issue.code === 'too_small' && issue.origin === 'string') return Number(issue.minimum) <= 1 ? "This can't be empty." : 'This is too short.';
  if (issue.code === 'too_big' && issue.origin === 'number') return `Enter a number no larger than ${limit(issue.maximum)}.`;
  if (issue.code === 'too_small' && issue.origin === 'number') return `Enter a number no smaller than ${limit(issue.minimum)}.`;
  return "This value isn't valid.";
};

/** Each field's first problem: the field's path (e.g. "region", "settings.systemPrompt") → its sentence. */
export function fieldProblems(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    // A problem with the input as a whole (wrong shape, unknown keys) belongs to no field.
    if (issue.path.length === 0) continue;
    const field = issue.path.map(String).join('.');
    fields[field] ??= issue.message;
  }
  return fields;
}

/** Every problem on one line each, for the "Details" IT may ask for. */
function describeProblems(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('\n');
}

/** An invalid-input error from a failed parse: a short summary, each field's sentence (shown beside it), the full list under Details. */
export function invalidFields(error: z.ZodError, message = "Some values aren't valid."): StrataError {
  return new StrataError('invalid-input', message, { fields: fieldProblems(error), details: describeProblems(error) });
}
