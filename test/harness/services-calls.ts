/** Driving the main-process services directly, as the window would through IPC. */
import type { Services } from '../../main/app/services';
import type { EventChannel, EventPayload, SessionStatus } from '../../preload/contract';

/** Calls one of main's handlers with `input`, untyped on the way in as the IPC payload is. */
export const callHandler = async <C extends keyof Services['handlers']>(services: Services, channel: C, input?: unknown) =>
  (services.handlers[channel] as (input: unknown) => unknown)(input) as ReturnType<Services['handlers'][C]>;

/** Every payload the services emit on `channel` from now on, in order, as the window would hear them. */
export function collected<C extends EventChannel>(services: Services, channel: C): EventPayload<C>[] {
  const payloads: EventPayload<C>[] = [];
  services.events.attach((emitted, payload) => {
    if ((emitted as EventChannel) === channel) payloads.push(payload as EventPayload<C>);
  });
  return payloads;
}

/** Waits until the status of the source in use satisfies `test`. */
export async function untilStatus(services: Services, test: (status: SessionStatus) => boolean, timeoutMs = 10_000): Promise<SessionStatus> {
  const started = Date.now();
  for (;;) {
    const status = services.accounts.status();
    if (test(status)) return status;
    if (Date.now() - started > timeoutMs) throw new Error(`status stayed ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
