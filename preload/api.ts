import { contract, type StrataApi, type Transport } from './contract';

/**
 * Builds `window.strata` from the channel map and a transport: a function per
 * request (invoke) and per event (subscribe). Shared by the Electron preload
 * and the end-to-end test bridge, so both carry exactly one contract.
 */
export function createApi(transport: Transport): StrataApi {
  const call = transport.invoke as (channel: string, input: unknown) => Promise<unknown>;
  const listen = transport.subscribe as (channel: string, listener: (payload: unknown) => void) => () => void;
  const api = Object.fromEntries(
    Object.entries(contract).map(([feature, specs]) => [
      feature,
      Object.freeze(
        Object.fromEntries(
          Object.entries(specs).map(([name, spec]) => [
            name,
            spec.kind === 'request'
              ? (input?: unknown) => call(spec.channel, input)
              : (listener: (payload: unknown) => void) => listen(spec.channel, listener),
          ]),
        ),
      ),
    ]),
  );
  return Object.freeze(api) as unknown as StrataApi;
}
