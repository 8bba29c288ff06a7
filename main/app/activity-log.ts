/**
 * What IT reads in the log to follow a person's day: each change of the
 * session (signing in, ready, expired, signed out, failed) and each answer's
 * start and end, with the model, the identity and the error codes. Never
 * what the person typed nor what the model answered; tokens are never in
 * these events to begin with.
 */
import { credentialSourceText, type AppError, type ChatEvent, type SessionStatus } from '../../preload/contract';
import type { EventHub } from './events';
import type { Log } from './logger';

const problem = (error: AppError) => `${error.code}: ${error.message}${error.details ? ` (${error.details})` : ''}`;

/** The log line for a session status, or undefined when nothing new is said. */
function sessionLine(status: SessionStatus): { message: string; level?: 'warn' } | undefined {
  const source = credentialSourceText(status.source);
  switch (status.state) {
    case 'signing-in':
      return { message: `session: signing in with ${source} (${status.interactive ? 'in the browser' : 'the saved sign-in'})` };
    case 'ready': {
      const until = status.expiresAt === null ? 'keys that do not expire' : `credentials until ${new Date(status.expiresAt).toISOString()}`;
      return { message: `session: ready with ${source} as ${status.identity.arn} in ${status.region}, ${until}` };
    }
    case 'signed-out':
      return { message: `session: signed out of ${source}` };
    case 'expired':
      return { message: `session: ${source} expired and could not be renewed: ${problem(status.error)}`, level: 'warn' };
    case 'error':
      return { message: `session: signing in with ${source} failed: ${problem(status.error)}`, level: 'warn' };
  }
}

function chatLine(event: ChatEvent): { message: string; level?: 'warn' } | undefined {
  const answer = `chat: answer ${event.requestId} in conversation ${event.conversationId}`;
  switch (event.type) {
    case 'started':
      return { message: `${answer} started${event.message.modelId ? ` with ${event.message.modelId}` : ''}` };
    case 'done': {
      const usage = event.message.usage ? `, ${event.message.usage.inputTokens} tokens in, ${event.message.usage.outputTokens} out` : '';
      return { message: `${answer} ${event.message.status === 'complete' ? 'finished' : 'stopped'}${usage}` };
    }
    case 'failed':
      return { message: `${answer} failed: ${problem(event.error)}`, level: 'warn' };
    default:
      return undefined;
  }
}

/** Logs session changes and answers as the services announce them; returns the detach function. */
export function activityLog(events: EventHub, log: Log): () => void {
  let last: string | undefined;
  let signInPage: string | undefined;
  return events.attach((channel, payload) => {
    if (channel === 'auth:status') {
      const status = payload as SessionStatus;
      // The sign-in page as the browser was sent to it, for when it did not open; its state and nonce are masked.
      if (status.state === 'signing-in' && status.authorizationUrl && status.authorizationUrl !== signInPage) {
        signInPage = status.authorizationUrl;
        log(`session: sign-in page ${signInPage}`, 'debug');
      }
      const line = sessionLine(status);
      // The same status again (a new expiry announced, the sign-in page known) is not news.
      const key = `${status.state} ${credentialSourceText(status.source)}`;
      if (line && key !== last) log(line.message, line.level);
      last = key;
    } else if (channel === 'chat:event') {
      const line = chatLine(payload as ChatEvent);
      if (line) log(line.message, line.level);
    }
  });
}
