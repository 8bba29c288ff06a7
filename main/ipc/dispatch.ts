import {
  requests,
  type RequestChannel,
  type RequestInput,
  type RequestOutput,
  type Result,
} from '../../preload/contract';
import { toAppError } from '../errors';
import { invalidFields, plainIssueMessage } from './invalid-input';

/** One handler per request channel, typed by the contract. */
export type Handlers = {
  [C in RequestChannel]: (input: RequestInput<C>) => Promise<RequestOutput<C>> | RequestOutput<C>;
};

/** What main knows about who sent a request. */
export interface SenderInfo {
  /** URL of the frame that sent it. */
  url: string | undefined;
  isMainFrame: boolean;
}

const isRequestChannel = (channel: string): channel is RequestChannel => Object.hasOwn(requests, channel);

/**
 * Builds the single entry point for every request from a renderer: known
 * channel, trusted sender, input valid against its schema, then the handler.
 * Never throws: failures come back as `{ ok: false, error }`.
 */
export function createDispatcher(
  handlers: Handlers,
  isTrustedSender: (sender: SenderInfo) => boolean,
  log: (message: string, level?: 'warn' | 'error') => void = () => {},
) {
  return async function dispatch(channel: string, input: unknown, sender: SenderInfo): Promise<Result<unknown>> {
    if (!isRequestChannel(channel)) {
      log(`refused unknown channel ${JSON.stringify(channel).slice(0, 80)}`, 'warn');
      return { ok: false, error: { code: 'unknown-channel', message: 'Strata received a request it does not know.' } };
    }
    if (!isTrustedSender(sender)) {
      log(`refused ${channel} from an untrusted sender`, 'warn');
      return {
        ok: false,
        error: { code: 'forbidden-sender', message: 'This request did not come from the Strata window.' },
      };
    }
    // Checks the schema did not word itself get plain words too: each problem may be shown beside its field.
    const parsed = requests[channel].input.safeParse(input, { error: plainIssueMessage });
    if (!parsed.success) return { ok: false, error: invalidFields(parsed.error).toAppError() };
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parsed.data) };
    } catch (err) {
      const error = toAppError(err);
      if (error.code === 'internal') log(`${channel} failed: ${error.details ?? ''}`, 'error');
      return { ok: false, error };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;

/**
 * True when the sender is the main frame of Strata's own page: same file for
 * file: URLs, same origin for http(s) (the development server).
 */
export function isTrustedSender(sender: SenderInfo, rendererUrl: string): boolean {
  if (!sender.isMainFrame || !sender.url) return false;
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(sender.url);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (actual.protocol !== expected.protocol) return false;
  if (expected.protocol === 'file:') return actual.pathname === expected.pathname;
  // Custom schemes have an opaque ("null") origin in URL: compare the host itself.
  if (expected.protocol !== 'http:' && expected.protocol !== 'https:') return actual.host === expected.host;
  return actual.origin === expected.origin;
}
