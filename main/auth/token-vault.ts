/**
 * Keeps the refresh token across restarts, encrypted at rest, so people don't
 * sign in every morning. Where the system offers no encryption it is kept in
 * memory only. Nothing here logs, and no error carries a token.
 */
import { z } from 'zod';
import { SecretFile, type SecretCipher } from '../platform/secret-file';

export type { SecretCipher } from '../platform/secret-file';

/** One signed-in session's refresh token, whom it belongs to, and the settings it was signed in against. */
export interface VaultRecord {
  issuer: string;
  clientId: string;
  subject: string;
  refreshToken: string;
  /** The session settings at sign-in (`sessionScope`): the token is used again only while they are unchanged. */
  scope: string;
}

const recordSchema = z.object({
  issuer: z.string().min(1),
  clientId: z.string().min(1),
  subject: z.string().min(1),
  refreshToken: z.string().min(1),
  scope: z.string().min(1),
});

/** The refresh token, kept encrypted on disk where possible and in memory otherwise. */
export class TokenVault extends SecretFile<typeof recordSchema> {
  constructor(options: { file: string; cipher: SecretCipher }) {
    super({
      ...options,
      schema: recordSchema,
      // A version 1 file does not say which endpoints it was signed in against: it is not used, and the person signs in once more.
      version: 2,
      saveFailedReason:
        "Strata couldn't save your sign-in securely on this computer, so you'll need to sign in again after restarting Strata.",
    });
  }
}
