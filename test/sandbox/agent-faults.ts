/**
 * Faults the sandbox can put on Bedrock Agents and knowledge bases
 * (`sandbox.faults.agents`): IAM actions refused with AccessDeniedException
 * worded as AWS words it, throttling of the next calls, and expiry of every
 * agent and knowledge-base session issued so far. Shared by the agents
 * control plane (bedrock-agent.ts) and the runtime (bedrock-agent-runtime.ts,
 * knowledge-base-runtime.ts).
 */
import { ACCOUNT_ID } from './constants.js';
import { sendAwsError, type AnyRequest, type AnyResponse } from './aws-rest.js';
import type { CredentialsRegistry } from './credentials-registry.js';

/** What tests set on `sandbox.faults.agents` (documented on the Sandbox interface). */
export interface SandboxAgentFaults {
  denied: Set<string>;
  throttleNext: number;
  expireSessions(): void;
}

export class AgentFaultState implements SandboxAgentFaults {
  readonly denied = new Set<string>();
  throttleNext = 0;
  readonly #onExpire: Array<() => void> = [];

  expireSessions(): void {
    for (const listener of this.#onExpire) listener();
  }

  /** Runs `listener` each time expireSessions() is called. */
  onExpire(listener: () => void): void {
    this.#onExpire.push(listener);
  }
}

/** The ARN AWS names the signer by: an IAM user, or the assumed role's session (as STS's GetCallerIdentity says it). */
export function callerArn(req: AnyRequest, registry: CredentialsRegistry): string {
  const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : '';
  const accessKeyId = /Credential=([^/]+)\//.exec(authorization)?.[1] ?? '';
  const caller = registry.get(accessKeyId);
  if (!caller) return `arn:aws:iam::${ACCOUNT_ID}:root`;
  return caller.kind === 'user'
    ? `arn:aws:iam::${ACCOUNT_ID}:user/${caller.sessionName}`
    : `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${caller.roleArn.split('/').pop()}/${caller.sessionName}`;
}

/** The refusal AWS gives when no identity-based policy allows `action` (on `resource`, when the action takes one). */
export function accessDeniedMessage(caller: string, action: string, resource?: string): string {
  const on = resource ? ` on resource: ${resource}` : '';
  return `User: ${caller} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}

export const THROTTLED_MESSAGE = 'Your request rate is too high. Reduce the frequency of requests.';

/**
 * Checks the faults before an operation runs: a throttled call (429 ThrottlingException) or an IAM
 * action in `denied` (403 AccessDeniedException). Answers the refusal itself and returns the error's
 * name, or undefined when the call may go on. Each of `actions` is an [action, resource] pair the
 * operation needs, in the order IAM checks them.
 */
export function refuseByFaults(
  faults: AgentFaultState | undefined,
  req: AnyRequest,
  res: AnyResponse,
  registry: CredentialsRegistry,
  actions: Array<[action: string, resource: string | undefined]>,
): string | undefined {
  if (!faults) return undefined;
  if (faults.throttleNext > 0) {
    faults.throttleNext -= 1;
    sendAwsError(res, 429, 'ThrottlingException', THROTTLED_MESSAGE);
    return 'ThrottlingException';
  }
  const denied = actions.find(([action]) => faults.denied.has(action));
  if (!denied) return undefined;
  sendAwsError(res, 403, 'AccessDeniedException', accessDeniedMessage(callerArn(req, registry), denied[0], denied[1]));
  return 'AccessDeniedException';
}
