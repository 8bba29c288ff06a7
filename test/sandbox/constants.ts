/** Fixed identities of the sandbox: the company, its people, its AWS account and identity pool. */

/** A person who can sign in at the sandbox identity provider. */
export interface SandboxUser {
  username: string;
  password: string;
  sub: string;
  name: string;
  email: string;
}

export const COMPANY_NAME = 'Example Corp';
export const CLIENT_ID = 'strata-desktop';
/** A second app at the same identity provider: its id_tokens are signed right but meant for someone else (wrong audience). */
export const OTHER_CLIENT_ID = 'example-other-app';
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '123456789012';
export const IDENTITY_POOL_ID = `${REGION}:6f1c0e2a-4b7d-4c1e-9a55-2f0d8e3c7b91`;
export const ROLE_NAME = 'StrataAuthenticated';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/${ROLE_NAME}`;
/** Cognito names the assumed-role session this way for identity-pool credentials. */
export const ROLE_SESSION_NAME = 'CognitoIdentityCredentials';
/** 'AROA' + 17 characters, the shape of a real IAM role id. */
export const ROLE_ID = 'AROASTRATASANDBOX0001';
export const SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** The sandbox's IAM Identity Center: its AWS access portal, in REGION. */
export const SSO_START_URL = 'https://sandbox-corp.awsapps.com/start';
/** The permission sets every sandbox user is assigned in ACCOUNT_ID. */
export const SSO_ROLES = ['PowerUser', 'ReadOnly'] as const;

/** The role IAM Identity Center makes in the account for a permission set (AWSReservedSSO_<name>_<16 hex>). */
export function ssoRoleArn(roleName: string): string {
  return `arn:aws:iam::${ACCOUNT_ID}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${roleName}_5f2c1a9e7b3d4c60`;
}

/** Fresh copies each time, so one test cannot change another's users. */
export function defaultUsers(): SandboxUser[] {
  return [
    {
      username: 'ada',
      password: 'analytical-engine',
      sub: '2f9a6a8e-1c55-4d0f-8b1e-ada000001815',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
    },
    {
      username: 'grace',
      password: 'cobol-1959',
      sub: '7c3d2b1a-9e8f-4a6b-b5c4-0000c0b01906',
      name: 'Grace Hopper',
      email: 'grace@example.com',
    },
  ];
}
