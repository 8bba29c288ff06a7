/** The user name and password for the proxy set in Settings: encrypted at rest, sent only to that proxy. */
import type { z } from 'zod';
import { proxySignInSchema, type SettingsView } from '../../preload/contract';
import { SecretFile, type SecretCipher } from '../platform/secret-file';

export type ProxyCredentials = z.infer<typeof proxySignInSchema>;

export class ProxySignIn extends SecretFile<typeof proxySignInSchema> {
  constructor(options: { file: string; cipher: SecretCipher }) {
    super({
      ...options,
      schema: proxySignInSchema,
      version: 1,
      saveFailedReason: "Strata couldn't save the proxy password securely, so you'll enter it again after restarting Strata.",
    });
  }

  /** What Settings shows: the user name and where it is kept, never the password. */
  view(): SettingsView['proxySignIn'] {
    const saved = this.load();
    if (!saved) return null;
    const reason = this.reason;
    return { username: saved.username, persistent: reason === undefined, ...(reason ? { reason } : {}) };
  }
}

/** The proxy's address with the sign-in in it, as both HTTP clients take it (Basic, on CONNECT only). */
export function withCredentials(proxy: URL, credentials: ProxyCredentials | undefined): URL {
  if (!credentials) return proxy;
  const signed = new URL(proxy.href);
  signed.username = encodeURIComponent(credentials.username);
  signed.password = encodeURIComponent(credentials.password);
  return signed;
}
