/**
 * The AWS profiles on this computer, read from the same files with the same
 * parser as the AWS SDK and CLI (`~/.aws/config` and `~/.aws/credentials`,
 * or AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE), each with its kind:
 * static keys, assume-role (and whether it asks for an MFA code),
 * credential_process, IAM Identity Center, or web identity.
 */
import os from 'node:os';
import path from 'node:path';
import { loadSharedConfigFiles } from '@smithy/core/config';

export type ProfileKind = 'static' | 'assume-role' | 'process' | 'sso' | 'web-identity' | 'unknown';

export interface AwsProfileInfo {
  name: string;
  kind: ProfileKind;
  region?: string;
  /** assume-role: the role, the profile or source its own credentials come from, and whether an MFA code is asked for. */
  roleArn?: string;
  sourceProfile?: string;
  mfaSerial?: string;
  /** assume-role: what else the AssumeRole call carries (role_session_name, external_id, duration_seconds). */
  assume?: { sessionName?: string; externalId?: string; durationSeconds?: number };
  /** IAM Identity Center: the session (sso-session section) or legacy start URL, its Region, and the account and role. */
  sso?: { sessionName?: string; startUrl: string; region: string; accountId?: string; roleName?: string };
  /** Why the profile cannot be used as written, in words. */
  problem?: string;
}

export interface AwsConfigPaths {
  config: string;
  credentials: string;
}

/** Where the AWS files are: the environment's choice, else ~/.aws, as the SDK and CLI decide. */
export function awsConfigPaths(env: Record<string, string | undefined>, home = os.homedir()): AwsConfigPaths {
  const expand = (file: string) => (file.startsWith('~/') ? path.join(home, file.slice(2)) : file);
  return {
    config: expand(env.AWS_CONFIG_FILE?.trim() || path.join(home, '.aws', 'config')),
    credentials: expand(env.AWS_SHARED_CREDENTIALS_FILE?.trim() || path.join(home, '.aws', 'credentials')),
  };
}

/** The profile the environment names (AWS_PROFILE), else 'default'. */
export function environmentProfile(env: Record<string, string | undefined>): string {
  return env.AWS_PROFILE?.trim() || env.AWS_DEFAULT_PROFILE?.trim() || 'default';
}

type Section = Record<string, string | undefined>;

function classify(name: string, section: Section, ssoSessions: Record<string, Section>): AwsProfileInfo {
  const info: AwsProfileInfo = { name, kind: 'unknown', ...(section.region ? { region: section.region } : {}) };
  if (section.sso_session || section.sso_start_url) {
    const sessionName = section.sso_session;
    const session = sessionName ? ssoSessions[sessionName] : undefined;
    const startUrl = session?.sso_start_url ?? section.sso_start_url;
    const region = session?.sso_region ?? section.sso_region;
    info.kind = 'sso';
    if (sessionName && !session) info.problem = `The sso-session “${sessionName}” it names is not in the config file.`;
    else if (!startUrl || !region) info.problem = 'It has no start URL or no SSO Region.';
    else if (!section.sso_account_id || !section.sso_role_name) {
      info.problem = 'It names no AWS account and role (sso_account_id and sso_role_name).';
    }
    info.sso = {
      ...(sessionName ? { sessionName } : {}),
      startUrl: startUrl ?? '',
      region: region ?? '',
      ...(section.sso_account_id ? { accountId: section.sso_account_id } : {}),
      ...(section.sso_role_name ? { roleName: section.sso_role_name } : {}),
    };
    return info;
  }
  if (section.role_arn) {
    info.kind = section.web_identity_token_file ? 'web-identity' : 'assume-role';
    info.roleArn = section.role_arn;
    if (section.source_profile) info.sourceProfile = section.source_profile;
    else if (section.credential_source) info.sourceProfile = section.credential_source;
    else if (!section.web_identity_token_file) info.problem = 'It names a role but no source_profile or credential_source.';
    if (section.mfa_serial) info.mfaSerial = section.mfa_serial;
    const duration = Number(section.duration_seconds);
    const assume = {
      ...(section.role_session_name ? { sessionName: section.role_session_name } : {}),
      ...(section.external_id ? { externalId: section.external_id } : {}),
      ...(Number.isInteger(duration) && duration > 0 ? { durationSeconds: duration } : {}),
    };
    if (Object.keys(assume).length) info.assume = assume;
    return info;
  }
  if (section.credential_process) {
    info.kind = 'process';
    return info;
  }
  if (section.aws_access_key_id || section.aws_secret_access_key) {
    info.kind = 'static';
    if (!section.aws_access_key_id || !section.aws_secret_access_key) info.problem = 'It has only half of an access key.';
    return info;
  }
  info.problem = 'It holds no credentials Strata knows how to use.';
  return info;
}

/**
 * Every profile in the two files, sorted by name, with the credentials file's keys merged over the
 * config file's as the SDK does. Files that are missing give no profiles; nothing is cached, so a
 * changed file is read afresh.
 */
export async function listProfiles(paths: AwsConfigPaths): Promise<AwsProfileInfo[]> {
  const { configFile, credentialsFile } = await loadSharedConfigFiles({
    configFilepath: paths.config,
    filepath: paths.credentials,
    ignoreCache: true,
  });
  const ssoSessions: Record<string, Section> = {};
  const profiles: Record<string, Section> = {};
  for (const [key, section] of Object.entries(configFile)) {
    if (key.startsWith('sso-session.')) ssoSessions[key.slice('sso-session.'.length)] = section;
    // [services …] sections configure endpoints, not credentials.
    else if (!key.startsWith('services.')) profiles[key] = { ...section };
  }
  for (const [name, section] of Object.entries(credentialsFile)) profiles[name] = { ...profiles[name], ...section };
  return Object.entries(profiles)
    .map(([name, section]) => classify(name, section, ssoSessions))
    .sort((a, b) => a.name.localeCompare(b.name));
}
