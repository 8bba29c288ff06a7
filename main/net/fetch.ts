/**
 * fetch for the sign-in provider's requests (openid-client): the same
 * routes, certificates and timeouts as the AWS clients, through undici
 * dispatchers pooled per route.
 */
import type { CustomFetch, CustomFetchOptions } from 'openid-client';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import { explainConnectionError } from './connection-errors';
import type { Network } from './network';

export type NetworkFetch = CustomFetch & { close(): Promise<void> };

/** A fetch that travels as the network settings say. */
export function createNetworkFetch(network: Network): NetworkFetch {
  const pools = new Map<string, { revision: number; dispatcher: Dispatcher }>();

  const dispatcherFor = (proxy: URL | undefined): Dispatcher => {
    const revision = network.revision;
    const key = proxy?.href ?? 'direct';
    const existing = pools.get(key);
    if (existing?.revision === revision) return existing.dispatcher;
    // close() lets requests under way finish; new ones get the new settings.
    if (existing) void existing.dispatcher.close();
    const secureContext = network.secureContext();
    const { connectMs, requestMs } = network.timeouts;
    const timeouts = { headersTimeout: requestMs, bodyTimeout: requestMs };
    const dispatcher = proxy
      ? new ProxyAgent({
          uri: proxy.href,
          requestTls: { secureContext },
          proxyTls: { secureContext },
          connect: { timeout: connectMs },
          ...timeouts,
        })
      : new Agent({ connect: { secureContext, timeout: connectMs }, ...timeouts });
    pools.set(key, { revision, dispatcher });
    return dispatcher;
  };

  const networkFetch = async (url: string, init: CustomFetchOptions): Promise<Response> => {
    const route = await network.route(url);
    try {
      const dispatcher = dispatcherFor(route.proxy);
      // undici's Response is the same class as the global one in everything openid-client checks.
      return (await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher })) as unknown as Response;
    } catch (err) {
      throw explainConnectionError(err, new URL(url), route) ?? err;
    }
  };
  return Object.assign(networkFetch, {
    close: async () => {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((pool) => pool.dispatcher.close()));
    },
  });
}
