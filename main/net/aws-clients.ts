/**
 * The one place main's AWS SDK clients are built: each gets the Region, its
 * endpoint from settings (VPC interface endpoints), and the shared request
 * handler that applies the proxy, the trusted certificates and the timeouts.
 */
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { CognitoIdentityClient } from '@aws-sdk/client-cognito-identity';
import { SSOClient } from '@aws-sdk/client-sso';
import { SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { CompanySettings } from '../../preload/contract';
import { createNetworkFetch, type NetworkFetch } from './fetch';
import { Network, type NetworkOptions } from './network';
import { RequestHandlers, type HandlerKind } from './request-handler';

/**
 * How Bedrock requests are authorised: signed (SigV4) with AWS credentials, or carrying a Bedrock
 * API key as a bearer token. Always said outright, so neither AWS_BEARER_TOKEN_BEDROCK nor an
 * auth_scheme_preference in the AWS config file can swap one for the other behind the person's back.
 */
export type BedrockAuth = { kind: 'sigv4'; credentials: AwsCredentialIdentityProvider } | { kind: 'bearer'; token: string };

/** True when `a` and `b` authorise requests the same way with the same credentials or key. */
export function sameAuth(a: BedrockAuth, b: BedrockAuth): boolean {
  return a.kind === 'sigv4' ? b.kind === 'sigv4' && a.credentials === b.credentials : b.kind === 'bearer' && a.token === b.token;
}

function authConfig(auth: BedrockAuth) {
  return auth.kind === 'bearer'
    ? { token: { token: auth.token }, authSchemePreference: ['httpBearerAuth'] }
    : { credentials: auth.credentials, authSchemePreference: ['sigv4'] };
}

export type AwsService = 'cognitoIdentity' | 'sts' | 'bedrock' | 'bedrockRuntime' | 'bedrockAgent' | 'bedrockAgentRuntime' | 'sso' | 'ssoOidc';

const ENDPOINT_SETTING = {
  cognitoIdentity: 'cognitoIdentityEndpoint',
  sts: 'stsEndpoint',
  bedrock: 'bedrockEndpoint',
  bedrockRuntime: 'bedrockRuntimeEndpoint',
  bedrockAgent: 'bedrockAgentEndpoint',
  bedrockAgentRuntime: 'bedrockAgentRuntimeEndpoint',
  sso: 'ssoEndpoint',
  ssoOidc: 'ssoOidcEndpoint',
} as const satisfies Record<AwsService, keyof CompanySettings>;

/** The first label of each service's public endpoint, https://<prefix>.<region>.amazonaws.com */
const ENDPOINT_PREFIX: Record<AwsService, string> = {
  cognitoIdentity: 'cognito-identity',
  sts: 'sts',
  bedrock: 'bedrock',
  bedrockRuntime: 'bedrock-runtime',
  bedrockAgent: 'bedrock-agent',
  bedrockAgentRuntime: 'bedrock-agent-runtime',
  sso: 'portal.sso',
  ssoOidc: 'oidc',
};

/** Where requests to `service` go: the endpoint from settings (a VPC endpoint), or AWS's public one for the Region. */
export function endpointOf(service: AwsService, settings: CompanySettings): string {
  return settings[ENDPOINT_SETTING[service]] || `https://${ENDPOINT_PREFIX[service]}.${settings.region}.amazonaws.com`;
}

/** Builds main's AWS clients, and the fetch the sign-in provider's requests use; one per app. */
export class AwsClients {
  readonly network: Network;
  /** For openid-client: the same proxy, certificates and timeouts as the AWS clients. */
  readonly fetch: NetworkFetch;
  private readonly handlers: RequestHandlers;

  constructor(options: NetworkOptions) {
    this.network = new Network(options);
    this.handlers = new RequestHandlers(this.network);
    this.fetch = createNetworkFetch(this.network);
  }

  /** What every client of `service` is configured with; with `signal`, its requests stop when it aborts. */
  config(service: AwsService, settings: CompanySettings, kind: HandlerKind = 'plain', signal?: AbortSignal) {
    const endpoint = settings[ENDPOINT_SETTING[service]];
    return {
      region: settings.region,
      ...(endpoint ? { endpoint } : {}),
      requestHandler: this.handlers.handler(kind, signal),
    };
  }

  /**
   * How Bedrock Runtime is reached now: 'h2' straight to it (HTTP/2, what its SDK client speaks by
   * default), 'streaming' through a proxy's tunnel (HTTP/1.1, which the SDK must know before it signs).
   */
  async runtimeRoute(settings: CompanySettings): Promise<'h2' | 'streaming'> {
    const route = await this.network.route(endpointOf('bedrockRuntime', settings));
    return route.proxy ? 'streaming' : 'h2';
  }

  /**
   * Cognito Identity's GetId and GetCredentialsForIdentity are unsigned: this client has no credentials of its own.
   * `signal`: the session's, so a sign-in or renewal still under way stops when the session ends.
   */
  cognitoIdentity(settings: CompanySettings, signal?: AbortSignal): CognitoIdentityClient {
    return new CognitoIdentityClient(this.config('cognitoIdentity', settings, 'plain', signal));
  }

  /** Without credentials for its unsigned calls (AssumeRoleWithWebIdentity, where the token is the proof). */
  sts(settings: CompanySettings, credentials?: AwsCredentialIdentityProvider, signal?: AbortSignal): STSClient {
    return new STSClient({ ...this.config('sts', settings, 'plain', signal), ...(credentials ? { credentials } : {}) });
  }

  bedrock(settings: CompanySettings, auth: BedrockAuth): BedrockClient {
    return new BedrockClient({ ...this.config('bedrock', settings), ...authConfig(auth) });
  }

  /**
   * IAM Identity Center's portal, in the Region of the profile's sso-session. Its calls carry the
   * session's bearer token and are not signed, so the client has no credentials.
   */
  sso(settings: CompanySettings, ssoRegion: string): SSOClient {
    return new SSOClient(this.config('sso', { ...settings, region: ssoRegion }));
  }

  /** IAM Identity Center's OIDC service (sign-in and token renewal), in the sso-session's Region; unsigned too. */
  ssoOidc(settings: CompanySettings, ssoRegion: string): SSOOIDCClient {
    return new SSOOIDCClient(this.config('ssoOidc', { ...settings, region: ssoRegion }));
  }

  /** Strata retries chat requests itself (only before the first token), so the SDK makes one attempt. */
  bedrockRuntime(
    settings: CompanySettings,
    auth: BedrockAuth,
    route: 'h2' | 'streaming',
  ): BedrockRuntimeClient {
    return new BedrockRuntimeClient({ ...this.config('bedrockRuntime', settings, route), ...authConfig(auth), maxAttempts: 1 });
  }

  /**
   * Bedrock Agents' runtime: signed requests only (Bedrock API keys do not reach agents), one attempt
   * (an agent's actions are not safe to repeat behind the person's back).
   */
  bedrockAgent(settings: CompanySettings, credentials: AwsCredentialIdentityProvider): BedrockAgentClient {
    return new BedrockAgentClient({ ...this.config('bedrockAgent', settings), credentials, authSchemePreference: ['sigv4'] });
  }

  bedrockAgentRuntime(settings: CompanySettings, credentials: AwsCredentialIdentityProvider): BedrockAgentRuntimeClient {
    return new BedrockAgentRuntimeClient({ ...this.config('bedrockAgentRuntime', settings), credentials, authSchemePreference: ['sigv4'], maxAttempts: 1 });
  }

  /** Closes every pooled connection. */
  async dispose(): Promise<void> {
    this.handlers.destroy();
    await this.fetch.close();
  }
}
