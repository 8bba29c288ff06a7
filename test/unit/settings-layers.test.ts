import { describe, expect, it } from 'vitest';
import { companySettingsSchema } from '../../preload/contract';
import { DEFAULT_SETTINGS, ENV_VARS, missingForSignIn, resolveSettings, type PolicyLayer } from '../../main/settings/layers';

const noPolicy: PolicyLayer = { settings: {}, locked: [] };

describe('configuration layers', () => {
  it('uses the built-in defaults when nothing is configured, and they are valid settings', () => {
    const resolved = resolveSettings({ policy: noPolicy, user: {}, env: {} });
    expect(resolved.values).toEqual(DEFAULT_SETTINGS);
    expect(companySettingsSchema.parse(DEFAULT_SETTINGS)).toEqual(DEFAULT_SETTINGS);
    expect(Object.values(resolved.sources).every((source) => source === 'default')).toBe(true);
    expect(resolved.locked).toEqual({});
    expect(resolved.notices).toEqual([]);
  });

  it('lets IT policy override defaults, the user override policy, and the environment override the user', () => {
    const resolved = resolveSettings({
      policy: { settings: { companyName: 'Example Corp', region: 'eu-west-1', clientId: 'from-policy' }, locked: [] },
      user: { region: 'eu-central-1', clientId: 'from-user' },
      env: { STRATA_CLIENT_ID: 'from-env' },
    });
    expect(resolved.values).toMatchObject({ companyName: 'Example Corp', region: 'eu-central-1', clientId: 'from-env' });
    expect(resolved.sources).toMatchObject({ companyName: 'policy', region: 'user', clientId: 'env', scopes: 'default' });
  });

  it('reads the redirect port from the environment as a whole number', () => {
    const resolved = resolveSettings({ policy: noPolicy, user: {}, env: { STRATA_REDIRECT_PORT: '45678' } });
    expect(resolved.values.redirectPort).toBe(45678);
    expect(resolved.sources.redirectPort).toBe('env');
  });

  it('ignores an invalid environment value, says so, and keeps the layer below', () => {
    const resolved = resolveSettings({
      policy: noPolicy,
      user: { redirectPort: 40000 },
      env: { STRATA_REDIRECT_PORT: '12ab' },
    });
    expect(resolved.values.redirectPort).toBe(40000);
    expect(resolved.sources.redirectPort).toBe('user');
    expect(resolved.notices).toEqual([
      {
        id: 'invalid:env:redirectPort',
        level: 'warning',
        message: 'The environment variable STRATA_REDIRECT_PORT has an invalid value and was ignored.',
      },
    ]);
  });

  it('ignores invalid policy and user values with a notice naming the setting and where it came from', () => {
    const resolved = resolveSettings({
      policy: { settings: { issuer: 'not a url' }, locked: [] },
      user: { region: 'Mars' },
      env: {},
    });
    expect(resolved.values.issuer).toBe('');
    expect(resolved.values.region).toBe('us-east-1');
    expect(resolved.notices.map((notice) => notice.id)).toEqual(['invalid:policy:issuer', 'invalid:user:region']);
    expect(resolved.notices[0]?.message).toContain('policy');
    expect(resolved.notices[0]?.message).toContain('Sign-in address');
    expect(resolved.notices[1]?.message).toContain('AWS Region');
  });

  it('treats an empty environment variable as not set', () => {
    const resolved = resolveSettings({ policy: noPolicy, user: { clientId: 'mine' }, env: { STRATA_CLIENT_ID: '  ' } });
    expect(resolved.values.clientId).toBe('mine');
    expect(resolved.notices).toEqual([]);
  });

  it('trims surrounding spaces the way the settings schema does', () => {
    const resolved = resolveSettings({ policy: noPolicy, user: {}, env: { STRATA_REGION: ' us-west-2 ' } });
    expect(resolved.values.region).toBe('us-west-2');
  });

  it('keeps a locked setting at the policy value whatever the user or the environment says', () => {
    const issuer = 'https://login.example.com';
    const resolved = resolveSettings({
      policy: { settings: { issuer }, locked: ['issuer'], lockReason: 'Managed by Example Corp IT' },
      user: { issuer: 'https://evil.example.net' },
      env: { [ENV_VARS.issuer]: 'https://other.example.org' },
    });
    expect(resolved.values.issuer).toBe(issuer);
    expect(resolved.sources.issuer).toBe('policy');
    expect(resolved.locked).toEqual({ issuer: 'Managed by Example Corp IT' });
    expect(resolved.notices).toEqual([expect.objectContaining({ id: 'locked:env:issuer', level: 'info' })]);
  });

  it('gives a default reason for a lock, and keeps a locked key without a policy value at its default', () => {
    const resolved = resolveSettings({
      policy: { settings: {}, locked: ['region'] },
      user: { region: 'eu-west-1' },
      env: {},
    });
    expect(resolved.values.region).toBe('us-east-1');
    expect(resolved.sources.region).toBe('default');
    expect(resolved.locked).toEqual({ region: 'Managed by your organization' });
  });

  it('does not let a user value through when the locked policy value is invalid', () => {
    const resolved = resolveSettings({
      policy: { settings: { region: 'nowhere' }, locked: ['region'] },
      user: { region: 'eu-west-1' },
      env: {},
    });
    expect(resolved.values.region).toBe('us-east-1');
    expect(resolved.notices.map((notice) => notice.id)).toEqual(['invalid:policy:region']);
  });
});

describe('missingForSignIn', () => {
  it('lists the empty settings company sign-in needs', () => {
    expect(missingForSignIn(DEFAULT_SETTINGS)).toEqual(['issuer', 'clientId', 'identityPoolId']);
    expect(
      missingForSignIn({ ...DEFAULT_SETTINGS, issuer: 'https://login.example.com', identityPoolId: 'us-east-1:0000-aaaa' }),
    ).toEqual(['clientId']);
  });
});
