import { describe, expect, it, vi } from 'vitest';
import type { AccountsView, AwsProfileView, Result, SessionStatus } from '../../preload/contract';
import { createAccountsStore, sourceKey, type AccountsApi } from '../../renderer/src/accounts/accounts-store';
import { activeIdentityText, profileDetails, sourceLabel } from '../../renderer/src/accounts/source-words';

const profile = (overrides: Partial<AwsProfileView>): AwsProfileView => ({ name: 'dev', kind: 'static', mfa: false, fromEnvironment: false, ...overrides });

describe('credential sources in words', () => {
  it('names the source and says how each kind of profile gets its credentials', () => {
    expect(sourceLabel({ kind: 'company' })).toBe('Your company account');
    expect(sourceLabel({ kind: 'profile', profile: 'dev', profileKind: 'static' })).toBe('AWS profile “dev”');
    expect(profileDetails(profile({ region: 'eu-west-1' }))).toBe('Access keys · eu-west-1');
    expect(
      profileDetails(profile({ kind: 'assume-role', roleArn: 'arn:aws:iam::123456789012:role/team/Admin', sourceProfile: 'dev', mfa: true })),
    ).toBe('Takes the role Admin with dev · asks for an MFA code');
    expect(profileDetails(profile({ kind: 'sso', sso: { startUrl: 'https://x.awsapps.com/start', roleName: 'Reader', accountId: '123456789012', session: { state: 'signed-out' } } }))).toBe(
      'IAM Identity Center · Reader in 123456789012',
    );
    expect(profileDetails(profile({ kind: 'process' }))).toBe('Credential process');
  });
});

describe('accounts store', () => {
  const view = (active: AccountsView['active']): AccountsView => ({
    active,
    company: { configured: true },
    profiles: [profile({})],
    apiKey: null,
    files: { config: '/home/ada/.aws/config', credentials: '/home/ada/.aws/credentials' },
  });

  it('switches through main, shows the switch under way, and keeps why it failed', async () => {
    let answer: (result: Result<AccountsView>) => void = () => {};
    const api = {
      accounts: {
        get: vi.fn(async () => ({ ok: true as const, value: view({ kind: 'company' }) })),
        choose: vi.fn(() => new Promise<Result<AccountsView>>((resolve) => (answer = resolve))),
        saveApiKey: vi.fn(),
        forgetApiKey: vi.fn(),
        onChanged: vi.fn(() => () => {}),
      },
    } satisfies AccountsApi;
    const store = createAccountsStore(api);
    await store.getState().load();
    const choosing = store.getState().choose({ kind: 'profile', profile: 'dev' });
    expect(store.getState().choosing).toEqual({ kind: 'profile', profile: 'dev' });
    answer({ ok: true, value: view({ kind: 'profile', profile: 'dev' }) });
    expect(await choosing).toBe(true);
    expect(store.getState()).toMatchObject({ choosing: null, view: { active: { kind: 'profile', profile: 'dev' } } });

    const refused = store.getState().choose({ kind: 'company' });
    answer({ ok: false, error: { code: 'invalid-input', message: "This setting is managed by your IT department and can't be changed here." } });
    expect(await refused).toBe(false);
    expect(store.getState().error?.message).toMatch(/managed by your IT department/);
    expect(store.getState().view?.active).toEqual({ kind: 'profile', profile: 'dev' });
    expect(sourceKey({ kind: 'profile', profile: 'dev' })).toBe('profile:dev');
  });

  it('follows main’s changes, and a slow first answer does not overwrite a newer one', async () => {
    let listener: (view: AccountsView) => void = () => {};
    let answer: (result: Result<AccountsView>) => void = () => {};
    const api = {
      accounts: {
        get: vi.fn(() => new Promise<Result<AccountsView>>((resolve) => (answer = resolve))),
        choose: vi.fn(),
        onChanged: vi.fn((fn: (view: AccountsView) => void) => {
          listener = fn;
          return () => {};
        }),
      },
    } as unknown as AccountsApi;
    const store = createAccountsStore(api);
    store.getState().connect();
    listener(view({ kind: 'profile', profile: 'dev' }));
    answer({ ok: true, value: view({ kind: 'company' }) });
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().view?.active).toEqual({ kind: 'profile', profile: 'dev' });
  });
});

describe('who the source in use is signed in as, in Settings → Account', () => {
  const ready = (user: { subject: string; name?: string }, arn: string, account: string, source: SessionStatus['source']): SessionStatus => ({
    state: 'ready',
    user,
    identity: { arn, account },
    region: 'us-east-1',
    expiresAt: null,
    renewedAt: 0,
    source,
  });

  it('names the person, the role or user AWS knows when it differs, the account and the Region', () => {
    expect(
      activeIdentityText(
        ready({ subject: 's', name: 'Ada Lovelace' }, 'arn:aws:sts::123456789012:assumed-role/StrataAuthenticated/CognitoIdentityCredentials', '123456789012', {
          kind: 'company',
        }),
      ),
    ).toBe('Signed in as Ada Lovelace (role StrataAuthenticated in account 1234-5678-9012), in us-east-1');
    expect(
      activeIdentityText(ready({ subject: 's', name: 'ada' }, 'arn:aws:iam::123456789012:user/ada', '123456789012', { kind: 'profile', profile: 'dev', profileKind: 'static' })),
    ).toBe('Signed in as ada (in account 1234-5678-9012), in us-east-1');
    expect(
      activeIdentityText(
        ready({ subject: 'api-key:1', name: 'BedrockAPIKey-ab12' }, '', '123456789012', {
          kind: 'api-key',
          key: { kind: 'long-term', ending: 'x7Qz', user: 'BedrockAPIKey-ab12', account: '123456789012' },
        }),
      ),
    ).toBe('Signed in as BedrockAPIKey-ab12 (in account 1234-5678-9012), in us-east-1');
    expect(activeIdentityText({ state: 'signed-out', configured: true, missing: [], source: { kind: 'company' } })).toBeNull();
    expect(activeIdentityText(null)).toBeNull();
  });
});
