/**
 * The Strata sandbox: a real OIDC identity provider plus Cognito Identity,
 * STS, Bedrock and IAM Identity Center emulators on 127.0.0.1, speaking the
 * real wire protocols, so the unmodified AWS SDK and openid-client can be
 * tested without AWS or internet.
 */
import { startBedrock } from './bedrock.js';
import { startBedrockRuntime, type BedrockPace, type BedrockRuntimeFaults, type ReceivedRequest } from './bedrock-runtime.js';
import { startCognito } from './cognito.js';
import {
  ACCOUNT_ID,
  CLIENT_ID,
  COMPANY_NAME,
  IDENTITY_POOL_ID,
  REGION,
  ROLE_ARN,
  SSO_ROLES,
  SSO_START_URL,
  defaultUsers,
  type SandboxUser,
} from './constants.js';
import type { JSONWebKeySet } from 'jose';
import { BedrockApiKeys } from './bedrock-api-keys.js';
import { startBedrockAgent } from './bedrock-agent.js';
import { startBedrockAgentRuntime, type AgentRequest } from './bedrock-agent-runtime.js';
import { AgentFaultState } from './agent-faults.js';
import { knowledgeBaseRuntime, type KnowledgeBaseRequest } from './knowledge-base-runtime.js';
import { CredentialsRegistry } from './credentials-registry.js';
import { INSTANCE_ROLE, startInstanceMetadata, TASK_ROLE } from './instance-metadata.js';
import { Stats, type RequestHold } from './http-util.js';
import { startIdentityCenter, type SsoCacheEntry } from './identity-center.js';
import { makeCertificates, startBlackHole, startProxy, startTlsFront, type SandboxProxy } from './network.js';
import { startOidc, type TokenHold } from './oidc.js';
import { startSts } from './sts.js';

export type { SandboxUser } from './constants.js';
export { SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES, UNDEPLOYED_ALIAS } from './bedrock-agents.js';
export { BENCH_TRACE_AGENT, BENCH_TRACE_EVENTS, benchTraceAnswer } from './bedrock-agents.js';
export type { AgentRequest } from './bedrock-agent-runtime.js';
export { KNOWLEDGE_BASE_BLOCKED_ANSWER, KNOWLEDGE_BASE_NO_ANSWER, knowledgeBasePassages } from './knowledge-base-runtime.js';
export type { KnowledgeBaseMatch, KnowledgeBasePassage, KnowledgeBaseRequest } from './knowledge-base-runtime.js';
export { SANDBOX_MODELS } from './bedrock-models.js';
export { GUARDRAIL_NOT_FOUND, SANDBOX_GUARDRAILS } from './guardrails.js';
export type { BedrockPace, ReceivedRequest } from './bedrock-runtime.js';
export { OTHER_CLIENT_ID, ssoRoleArn } from './constants.js';
export type { SsoCacheEntry } from './identity-center.js';
export { SANDBOX_MFA_CODE } from './sts.js';

export interface SandboxOptions {
  /** id_token and access_token lifetime, seconds (default 300) */
  idTokenTtlSeconds?: number;
  /** AWS temporary credentials lifetime issued by Cognito, seconds (default 3600) */
  credentialsTtlSeconds?: number;
  /** refresh token lifetime, seconds (default 86400) */
  refreshTokenTtlSeconds?: number;
  /** IAM Identity Center access token lifetime, seconds (default 28800, 8 hours; see identityCenter.setTokenTtl) */
  ssoTokenTtlSeconds?: number;
  /** fixed ports for people running it by hand; default 0 = free ports */
  ports?: {
    oidc?: number;
    cognito?: number;
    sts?: number;
    bedrock?: number;
    bedrockRuntime?: number;
    sso?: number;
    ssoOidc?: number;
    bedrockAgent?: number;
    bedrockAgentRuntime?: number;
  };
  /** How the scripted models answer (default: 400 words per second, 300-word answers). */
  bedrock?: Partial<BedrockPace>;
  /** Bedrock Agents: the pause between the frames of an answer, ms (default 2). */
  agents?: { stepDelayMs?: number };
  /** quiet by default; log one line per request when true */
  log?: boolean;
  /** Also start the network pieces: a CA, HTTPS fronts for the AWS emulators, a CONNECT proxy, a black hole. */
  network?: boolean;
}

type AwsEndpoints = {
  cognitoIdentity: string;
  sts: string;
  bedrock: string;
  bedrockRuntime: string;
  sso: string;
  ssoOidc: string;
  bedrockAgent: string;
  bedrockAgentRuntime: string;
};

/** The sandbox's network pieces (with `network: true`). */
export interface SandboxNetwork {
  /** PEM of the sandbox CA, which signed the HTTPS fronts' certificate. */
  caPem: string;
  /** The AWS emulators over HTTPS on localhost (reached directly). */
  httpsEndpoints: AwsEndpoints;
  /** The same HTTPS fronts under names only the proxy resolves (https://sts.sandbox.test:PORT). */
  proxiedEndpoints: AwsEndpoints;
  /** The CONNECT proxy; its tunnels count in stats() as 'proxy:CONNECT'. */
  proxy: SandboxProxy;
  /** An address that takes connections and never answers. */
  blackHole: string;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  issuer: string;
  /** 'strata-desktop' */
  clientId: string;
  /** 'us-east-1:6f1c0e2a-…', fixed */
  identityPoolId: string;
  /** 'us-east-1' */
  region: string;
  /** The issuer without its scheme, e.g. '127.0.0.1:PORT': the key of the id_token in Cognito `Logins`. */
  loginsKey: string;
  /** '123456789012' */
  accountId: string;
  /** arn:aws:iam::123456789012:role/StrataAuthenticated */
  roleArn: string;
  endpoints: AwsEndpoints;
  /** Present when started with `network: true`. */
  network?: SandboxNetwork;
  /** The Bedrock emulators: pace of the scripted models, and what clients sent. */
  bedrock: {
    setPace(pace: Partial<BedrockPace>): void;
    /** Every Converse / ConverseStream request received, oldest first. */
    requests(): ReceivedRequest[];
  };
  /** Bedrock Agents (SANDBOX_AGENTS, SANDBOX_KNOWLEDGE_BASES): every InvokeAgent request received, oldest first. */
  agents: { requests(): AgentRequest[] };
  /**
   * Knowledge bases on the Agent Runtime endpoint (RetrieveAndGenerateStream, RetrieveAndGenerate,
   * Retrieve; answers from knowledgeBasePassages()): every request received, oldest first, even refused ones.
   */
  knowledgeBases: { requests(): KnowledgeBaseRequest[] };
  /** People who can sign in (ada, grace); the same people and passwords at IAM Identity Center. */
  users: SandboxUser[];
  /** Every access, id and refresh token the identity provider issued, oldest first. */
  issuedTokens(): string[];
  /** IAM Identity Center: SSO OIDC (with its sign-in pages) and the AWS access portal. */
  identityCenter: {
    /** 'https://sandbox-corp.awsapps.com/start' */
    startUrl: string;
    /** Where Identity Center lives (sso_region): 'us-east-1' */
    region: string;
    /** The one account people have roles in: '123456789012' */
    accountId: string;
    /** The permission sets every user is assigned there: ['PowerUser', 'ReadOnly'] */
    roles: string[];
    /** SSO OIDC, e.g. http://127.0.0.1:PORT; the sign-in pages are its /authorize and /device. */
    oidcEndpoint: string;
    /** The access portal (GetRoleCredentials, Logout); the same as endpoints.sso. */
    portalEndpoint: string;
    /** Access tokens issued from now on live `seconds`. */
    setTokenTtl(seconds: number): void;
    /**
     * What the AWS CLI caches in ~/.aws/sso/cache after signing in as `username`, backed by a
     * real client registration and tokens the emulator accepts. `ttlSeconds`: the access token's
     * life (default the current lifetime; 0 or less: already expired); `refreshable` (default
     * ssoIssuesRefreshTokens): with refreshToken, clientId, clientSecret and registrationExpiresAt.
     */
    cliSession(username: string, options?: { ttlSeconds?: number; refreshable?: boolean }): SsoCacheEntry;
  };
  /**
   * Bedrock API keys as the Bedrock console makes them; both Bedrock emulators take them as
   * bearer tokens (counted as '<service>:<operation>:bearer'), refusing others with
   * AccessDeniedException as Bedrock does.
   */
  apiKeys: {
    /** A long-term key of the IAM user `userName` (default BedrockAPIKey-xxxx); without `expiresInSeconds` it never ends. */
    longTerm(options?: { userName?: string; expiresInSeconds?: number }): string;
    /** A short-term key for `region` (default the sandbox's), signed at `signedAt` (default now), lasting `expiresInSeconds` (default 12 h). */
    shortTerm(options?: { userName?: string; region?: string; expiresInSeconds?: number; signedAt?: number }): Promise<string>;
    /** Deactivates a long-term key: Bedrock refuses it from now on. */
    deactivate(key: string): void;
  };
  /**
   * Where an EC2 instance and a container get their role's credentials: the Instance Metadata
   * Service (v2 only: a token first, X-Forwarded-For refused, 401 without a token) at `endpoint`
   * (AWS_EC2_METADATA_SERVICE_ENDPOINT), whose role is `roleName` with the instance id as session
   * name; and a container credentials endpoint at `container.uri` (AWS_CONTAINER_CREDENTIALS_FULL_URI)
   * wanting `container.authorizationToken` (AWS_CONTAINER_AUTHORIZATION_TOKEN). Counted as
   * 'imds:token', 'imds:credentials', 'imds:401', 'container:credentials', 'container:credentials:401'.
   */
  instanceMetadata: {
    endpoint: string;
    roleName: string;
    instanceId: string;
    container: { uri: string; authorizationToken: string; roleName: string };
    /** Credentials issued from now on last `seconds` (default credentialsTtlSeconds). */
    setCredentialsTtl(seconds: number): void;
  };
  /** A new long-term access key for the IAM user `name` (arn:aws:iam::123456789012:user/<name>), as an AWS profile holds one. */
  iamUserKey(name: string): { accessKeyId: string; secretAccessKey: string };
  faults: {
    /** identity provider down: its port refuses connections (ECONNREFUSED) until set back to false, then listens again on the same port */
    setIdpDown(down: boolean): Promise<void>;
    /** the identity provider's token endpoint grants as usual but holds every answer from now until released */
    holdTokenAnswers(): TokenHold;
    /** Cognito Identity holds its next request until released (`arrived` settles when it came); later requests are answered as usual. */
    holdNextCognitoRequest(): RequestHold;
    /** Cognito's credentials issued from now on last `seconds` (default credentialsTtlSeconds). */
    setCognitoCredentialsTtl(seconds: number): void;
    /** Bedrock (the model list) holds its next answer until released (`arrived` settles when that request came); later requests are answered as usual. */
    holdNextBedrockAnswer(): RequestHold;
    /** Role names STS AssumeRole refuses with AccessDenied, and the access portal's GetRoleCredentials with ForbiddenException (add and delete as needed). */
    deniedRoles: Set<string>;
    /** Cognito answers GetId/GetCredentialsForIdentity with NotAuthorizedException while true */
    cognitoRejects: boolean;
    /** every credential issued so far is treated as expired from now on (STS answers ExpiredToken), though the Expiration the client holds is later */
    expireIssuedCredentials(): void;
    /** every IAM Identity Center access token issued so far is expired from now (the portal answers 401); refresh tokens keep working */
    expireSsoTokens(): void;
    /** IAM Identity Center gives refresh tokens to clients registered for them while true (the default) */
    ssoIssuesRefreshTokens: boolean;
    /** Bedrock Runtime faults: throttling, a stream error or a cut connection part-way, a slow first token. */
    bedrock: BedrockRuntimeFaults;
    /** Bedrock Agents and knowledge bases (the Agent Runtime and the Agent control plane). */
    agents: {
      /**
       * IAM actions the caller is refused (add and delete as needed): 403 AccessDeniedException
       * "User: <caller ARN> is not authorized to perform: <action> on resource: <ARN> because no
       * identity-based policy allows the <action> action", the caller as STS names it
       * (arn:aws:iam::123456789012:user/<name> or arn:aws:sts::123456789012:assumed-role/<role>/<session>).
       * 'bedrock:InvokeAgent' (on agent-alias/<agentId>/<aliasId>); 'bedrock:RetrieveAndGenerate' (no
       * resource: "… perform: bedrock:RetrieveAndGenerate because …") and 'bedrock:Retrieve' (on
       * knowledge-base/<id>), both needed by RetrieveAndGenerate[Stream]; 'bedrock:InvokeModel' (on the
       * foundation-model or inference-profile ARN: for RetrieveAndGenerateStream an accessDeniedException
       * frame in the stream, for RetrieveAndGenerate a 403); 'bedrock:ListAgents', 'bedrock:ListKnowledgeBases'
       * (no resource), 'bedrock:GetAgent', 'bedrock:ListAgentAliases' (on agent/<agentId>),
       * 'bedrock:GetAgentAlias' (on agent-alias/…), 'bedrock:GetKnowledgeBase' (on knowledge-base/<id>).
       */
      denied: Set<string>;
      /** The next `throttleNext` calls to either agents endpoint are refused with 429 ThrottlingException before any stream starts; counts down to 0. */
      throttleNext: number;
      /**
       * Every agent session and knowledge-base session used so far expires now: InvokeAgent answering a
       * pending action (sessionState.returnControlInvocationResults) in one is a 400 ValidationException,
       * a new inputText in one starts the session afresh (no earlier context); RetrieveAndGenerate[Stream]
       * with an expired sessionId is a 400 ValidationException, as for an id never issued.
       */
      expireSessions(): void;
    };
  };
  /**
   * Counts of handled operations. Successes count under the operation
   * ('oidc:token:authorization_code', 'cognito:GetId', 'sts:GetCallerIdentity', 'oidc:login',
   * 'sso-oidc:CreateToken:refresh_token', 'sso:GetRoleCredentials');
   * failures under the operation plus the error ('sts:GetCallerIdentity:ExpiredToken',
   * 'cognito:GetId:NotAuthorizedException', 'oidc:token:refresh_token:invalid_grant', 'oidc:login:failed',
   * 'sso-oidc:CreateToken:device_code:AuthorizationPendingException', 'sso:GetRoleCredentials:UnauthorizedException').
   */
  stats(): Record<string, number>;
  /** Strata's environment-variable configuration for this sandbox */
  env(): Record<string, string>;
  /** Stops every server and drops open connections. */
  close(): Promise<void>;
}

/** Starts the identity provider, Cognito Identity, STS, Bedrock and IAM Identity Center on free (or given) loopback ports. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? false;
  const stats = new Stats();
  const registry = new CredentialsRegistry();
  const users = defaultUsers();
  const closers: Array<() => Promise<void>> = [];
  const deniedRoles = new Set<string>();
  let oidcForSts: { issuer: string; jwks: JSONWebKeySet } | undefined;

  try {
    // allSettled, so a server that did start is closed when the other fails (e.g. a taken fixed port).
    const [oidcStarted, stsStarted] = await Promise.allSettled([
      startOidc({
        port: options.ports?.oidc ?? 0,
        idTokenTtlSeconds: options.idTokenTtlSeconds ?? 300,
        refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 86_400,
        users,
        stats,
        log,
      }),
      startSts({
        port: options.ports?.sts ?? 0,
        region: REGION,
        registry,
        stats,
        log,
        deniedRoles: () => deniedRoles,
        // IAM trusts the sandbox's identity provider for its client, as an account's OIDC provider would.
        webIdentityProvider: () => (oidcForSts ? { issuer: oidcForSts.issuer, jwks: oidcForSts.jwks, clientId: CLIENT_ID } : undefined),
      }),
    ]);
    if (oidcStarted.status === 'fulfilled') closers.push(oidcStarted.value.close);
    if (stsStarted.status === 'fulfilled') closers.push(stsStarted.value.close);
    if (oidcStarted.status === 'rejected') throw oidcStarted.reason;
    if (stsStarted.status === 'rejected') throw stsStarted.reason;
    const oidc = oidcStarted.value;
    oidcForSts = oidc;
    const sts = stsStarted.value;

    const loginsKey = oidc.issuer.replace(/^https?:\/\//, '');
    let cognitoRejects = false;
    const cognito = await startCognito({
      port: options.ports?.cognito ?? 0,
      region: REGION,
      identityPoolId: IDENTITY_POOL_ID,
      issuer: oidc.issuer,
      loginsKey,
      clientId: CLIENT_ID,
      roleArn: ROLE_ARN,
      jwks: oidc.jwks,
      credentialsTtlSeconds: options.credentialsTtlSeconds ?? 3600,
      registry,
      stats,
      log,
      rejects: () => cognitoRejects,
    });
    closers.push(cognito.close);
    const apiKeys = new BedrockApiKeys(registry, ACCOUNT_ID);
    const bedrock = await startBedrock({ port: options.ports?.bedrock ?? 0, region: REGION, registry, apiKeys, stats, log });
    closers.push(bedrock.close);
    const runtime = await startBedrockRuntime({
      port: options.ports?.bedrockRuntime ?? 0,
      region: REGION,
      registry,
      apiKeys,
      stats,
      log,
      pace: { tokensPerSecond: 400, answerWords: 300, ...options.bedrock },
    });
    closers.push(runtime.close);
    let ssoIssuesRefreshTokens = true;
    const identityCenter = await startIdentityCenter({
      oidcPort: options.ports?.ssoOidc ?? 0,
      portalPort: options.ports?.sso ?? 0,
      users,
      registry,
      stats,
      log,
      tokenTtlSeconds: options.ssoTokenTtlSeconds ?? 28_800,
      credentialsTtlSeconds: options.credentialsTtlSeconds ?? 3600,
      deniedRoles: () => deniedRoles,
      issuesRefreshTokens: () => ssoIssuesRefreshTokens,
    });
    closers.push(identityCenter.close);
    const agentFaults = new AgentFaultState();
    const agents = await startBedrockAgent({ port: options.ports?.bedrockAgent ?? 0, region: REGION, registry, stats, log, faults: agentFaults });
    closers.push(agents.close);
    const knowledgeBases = knowledgeBaseRuntime({ region: REGION, registry, stats, faults: agentFaults, stepDelayMs: options.agents?.stepDelayMs });
    const agentRuntime = await startBedrockAgentRuntime({
      port: options.ports?.bedrockAgentRuntime ?? 0,
      region: REGION,
      registry,
      stats,
      log,
      stepDelayMs: options.agents?.stepDelayMs,
      faults: agentFaults,
      otherRoutes: (req, res, body) => knowledgeBases.handle(req, res, body),
    });
    closers.push(agentRuntime.close);
    const instanceMetadata = await startInstanceMetadata({ registry, stats, log, credentialsTtlSeconds: options.credentialsTtlSeconds ?? 3600 });
    closers.push(instanceMetadata.close);
    const endpoints: AwsEndpoints = {
      cognitoIdentity: cognito.endpoint,
      sts: sts.endpoint,
      bedrock: bedrock.endpoint,
      bedrockRuntime: runtime.endpoint,
      sso: identityCenter.portalEndpoint,
      ssoOidc: identityCenter.oidcEndpoint,
      bedrockAgent: agents.endpoint,
      bedrockAgentRuntime: agentRuntime.endpoint,
    };
    const network = options.network ? await startNetwork(endpoints, stats, log, closers) : undefined;

    const sandbox: Sandbox = {
      issuer: oidc.issuer,
      clientId: CLIENT_ID,
      identityPoolId: IDENTITY_POOL_ID,
      region: REGION,
      loginsKey,
      accountId: ACCOUNT_ID,
      roleArn: ROLE_ARN,
      endpoints,
      ...(network ? { network } : {}),
      bedrock: { setPace: (pace) => runtime.setPace(pace), requests: () => runtime.requests() },
      agents: { requests: () => agentRuntime.requests() },
      knowledgeBases: { requests: () => knowledgeBases.requests() },
      users,
      issuedTokens: () => oidc.issuedTokens(),
      identityCenter: {
        startUrl: SSO_START_URL,
        region: REGION,
        accountId: ACCOUNT_ID,
        roles: [...SSO_ROLES],
        oidcEndpoint: identityCenter.oidcEndpoint,
        portalEndpoint: identityCenter.portalEndpoint,
        setTokenTtl: (seconds) => identityCenter.setTokenTtl(seconds),
        cliSession: (username, sessionOptions) => identityCenter.cliSession(username, sessionOptions),
      },
      apiKeys: {
        longTerm: (keyOptions) => apiKeys.longTerm(keyOptions),
        shortTerm: (keyOptions = {}) => apiKeys.shortTerm({ region: REGION, ...keyOptions }),
        deactivate: (key) => apiKeys.deactivate(key),
      },
      instanceMetadata: {
        endpoint: instanceMetadata.endpoint,
        roleName: INSTANCE_ROLE,
        instanceId: instanceMetadata.instanceId,
        container: { ...instanceMetadata.container, roleName: TASK_ROLE },
        setCredentialsTtl: (seconds) => instanceMetadata.setCredentialsTtl(seconds),
      },
      iamUserKey: (name) => {
        const key = registry.issueUserKey(name);
        return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
      },
      faults: {
        deniedRoles,
        setIdpDown: (down) => oidc.setDown(down),
        holdTokenAnswers: () => oidc.holdTokenAnswers(),
        holdNextBedrockAnswer: () => bedrock.holdNext(),
        holdNextCognitoRequest: () => cognito.holdNext(),
        setCognitoCredentialsTtl: (seconds) => cognito.setCredentialsTtl(seconds),
        get cognitoRejects() {
          return cognitoRejects;
        },
        set cognitoRejects(value: boolean) {
          cognitoRejects = value;
        },
        expireIssuedCredentials: () => registry.expireAll(),
        expireSsoTokens: () => identityCenter.expireTokens(),
        get ssoIssuesRefreshTokens() {
          return ssoIssuesRefreshTokens;
        },
        set ssoIssuesRefreshTokens(value: boolean) {
          ssoIssuesRefreshTokens = value;
        },
        bedrock: runtime.faults,
        agents: agentFaults,
      },
      stats: () => stats.snapshot(),
      env: () => ({
        STRATA_ISSUER: oidc.issuer,
        STRATA_CLIENT_ID: CLIENT_ID,
        STRATA_IDENTITY_POOL_ID: IDENTITY_POOL_ID,
        STRATA_REGION: REGION,
        STRATA_COGNITO_IDENTITY_ENDPOINT: cognito.endpoint,
        STRATA_STS_ENDPOINT: sts.endpoint,
        STRATA_BEDROCK_ENDPOINT: bedrock.endpoint,
        STRATA_BEDROCK_RUNTIME_ENDPOINT: runtime.endpoint,
        STRATA_BEDROCK_AGENT_ENDPOINT: agents.endpoint,
        STRATA_BEDROCK_AGENT_RUNTIME_ENDPOINT: agentRuntime.endpoint,
        STRATA_SSO_ENDPOINT: identityCenter.portalEndpoint,
        STRATA_SSO_OIDC_ENDPOINT: identityCenter.oidcEndpoint,
        STRATA_COMPANY_NAME: COMPANY_NAME,
      }),
      close: async () => {
        await Promise.all(closers.map((close) => close()));
      },
    };
    return sandbox;
  } catch (error) {
    await Promise.allSettled(closers.map((close) => close()));
    throw error;
  }
}

const HOST_NAMES: AwsEndpoints = {
  cognitoIdentity: 'cognito-identity',
  sts: 'sts',
  bedrock: 'bedrock',
  bedrockRuntime: 'bedrock-runtime',
  // As in AWS: portal.sso.<region>.amazonaws.com and oidc.<region>.amazonaws.com.
  sso: 'portal.sso',
  ssoOidc: 'oidc',
  bedrockAgent: 'bedrock-agent',
  bedrockAgentRuntime: 'bedrock-agent-runtime',
};

async function startNetwork(
  endpoints: AwsEndpoints,
  stats: Stats,
  log: boolean,
  closers: Array<() => Promise<void>>,
): Promise<SandboxNetwork> {
  const certificates = makeCertificates();
  const httpsEndpoints = {} as AwsEndpoints;
  const proxiedEndpoints = {} as AwsEndpoints;
  for (const service of Object.keys(endpoints) as Array<keyof AwsEndpoints>) {
    const front = await startTlsFront(certificates, Number(new URL(endpoints[service]).port));
    closers.push(front.close);
    httpsEndpoints[service] = `https://localhost:${front.port}`;
    proxiedEndpoints[service] = `https://${HOST_NAMES[service]}.sandbox.test:${front.port}`;
  }
  const proxy = await startProxy(stats, log);
  closers.push(proxy.close);
  const blackHole = await startBlackHole();
  closers.push(blackHole.close);
  return { caPem: certificates.caPem, httpsEndpoints, proxiedEndpoints, proxy, blackHole: blackHole.url };
}
