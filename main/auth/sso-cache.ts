/**
 * The IAM Identity Center token cache the AWS CLI and SDKs share
 * (`~/.aws/sso/cache/<sha1>.json`): the file is named by the SHA-1 of the
 * sso-session name, or of the start URL for a legacy profile, and holds the
 * fields and timestamp format the CLI writes, so a session signed in here is
 * the CLI's too, and one the CLI made is used as it is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const ssoTokenSchema = z.object({
  startUrl: z.string().min(1),
  region: z.string().min(1),
  accessToken: z.string().min(1),
  /** UTC, as the CLI writes it: 2026-11-23T18:00:00Z */
  expiresAt: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'a date'),
  refreshToken: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  registrationExpiresAt: z
    .string()
    .refine((value) => !Number.isNaN(Date.parse(value)), 'a date')
    .optional(),
});
export type SsoToken = z.infer<typeof ssoTokenSchema>;

/** ~/.aws/sso/cache */
export function ssoCacheDirectory(home = os.homedir()): string {
  return path.join(home, '.aws', 'sso', 'cache');
}

/** The cache file of a session: SHA-1 of the sso-session name, or of the start URL for a legacy profile. */
export function ssoCacheFile(directory: string, session: { sessionName?: string; startUrl: string }): string {
  const id = session.sessionName ?? session.startUrl;
  return path.join(directory, `${createHash('sha1').update(id, 'utf8').digest('hex')}.json`);
}

/** A time as the CLI writes it in the cache: UTC to the second, with a Z. */
export function cliTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The cached token, or undefined when there is none or it is not one (a damaged file is left for the CLI to replace). */
export function readSsoToken(file: string): SsoToken | undefined {
  try {
    const parsed = ssoTokenSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the token where the CLI looks for it, readable by this user only, all at once. */
export function writeSsoToken(file: string, token: SsoToken): void {
  const checked = ssoTokenSchema.parse(token);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(checked));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export type SsoSessionState =
  | { state: 'signed-out' }
  /** `renewable`: the cache holds a refresh token and a client registration still valid. */
  | { state: 'signed-in'; expiresAt: number; renewable: boolean }
  | { state: 'expired'; expiresAt: number; renewable: boolean };

/** True when the cached token carries what renewing it takes: a refresh token and a registration still valid. */
export function canRenew(token: SsoToken, now: number): boolean {
  const registrationValid = token.registrationExpiresAt !== undefined && Date.parse(token.registrationExpiresAt) > now;
  return Boolean(token.refreshToken && token.clientId && token.clientSecret && registrationValid);
}

/** What the cached token means now. */
export function ssoSessionState(token: SsoToken | undefined, now: number): SsoSessionState {
  if (!token) return { state: 'signed-out' };
  const expiresAt = Date.parse(token.expiresAt);
  const renewable = canRenew(token, now);
  return expiresAt > now ? { state: 'signed-in', expiresAt, renewable } : { state: 'expired', expiresAt, renewable };
}
