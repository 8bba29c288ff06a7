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
    models: {
      list: (options = {}) => transport.invoke('models:list', options),
      choose: (modelId) => transport.invoke('models:choose', { modelId }),
    },
    conversations: {
      list: (query) => transport.invoke('conversations:list', query === undefined ? {} : { query }),
      get: (id) => transport.invoke('conversations:get', { id }),
      create: (settings) => transport.invoke('conversations:create', settings ? { settings } : {}),
      rename: (id, title) => transport.invoke('conversations:rename', { id, title }),
      updateSettings: (id, settings) => transport.invoke('conversations:update-settings', { id, settings }),
      delete: (id) => transport.invoke('conversations:delete', { id }),
      export: (id) => transport.invoke('conversations:export', { id }),
      onChanged: (listener) => transport.subscribe('conversations:changed', listener),
    },
    chat: {
      send: (conversationId, text) => transport.invoke('chat:send', { conversationId, text }),
      regenerate: (conversationId) => transport.invoke('chat:regenerate', { conversationId }),
      stop: (requestId) => transport.invoke('chat:stop', { requestId }),
      onEvent: (listener) => transport.subscribe('chat:event', listener),
    },
  };
}
