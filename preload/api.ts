import type { StrataApi, Transport } from './contract';

/**
 * Builds the narrow per-feature API from a transport. Shared by the Electron
 * preload and the end-to-end test bridge, so both carry exactly one contract.
 */
export function createApi(transport: Transport): StrataApi {
  return {
    auth: {
      getStatus: () => transport.invoke('auth:get-status', undefined),
      signIn: () => transport.invoke('auth:sign-in', undefined),
      cancelSignIn: () => transport.invoke('auth:cancel-sign-in', undefined),
      signOut: () => transport.invoke('auth:sign-out', undefined),
      onStatus: (listener) => transport.subscribe('auth:status', listener),
    },
    settings: {
      get: () => transport.invoke('settings:get', undefined),
      update: (patch) => transport.invoke('settings:update', patch),
      dismissNotice: (id) => transport.invoke('settings:dismiss-notice', { id }),
      onChanged: (listener) => transport.subscribe('settings:changed', listener),
    },
    app: {
      openExternal: (url) => transport.invoke('app:open-external', { url }),
    },
  };
}
