import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StrataError } from '../../main/errors';
import type { LoadedPolicy } from '../../main/settings/policy';
import { SettingsService } from '../../main/settings/settings-service';
import { SettingsStore, type OpenStore } from '../../main/settings/settings-store';

const openStore: OpenStore = (options) =>
  new Conf({ configName: options.name, cwd: options.cwd, schema: options.schema, clearInvalidConfig: false });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'strata-service-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const policy = (overrides: Partial<LoadedPolicy> = {}): LoadedPolicy => ({
  settings: { companyName: 'Example Corp', issuer: 'https://login.example.com' },
  locked: ['issuer'],
  lockReason: 'Managed by Example Corp IT',
  rules: {},
  problems: [],
  origins: [],
  ...overrides,
});

function service(options: { policy?: LoadedPolicy; env?: Record<string, string | undefined> } = {}) {
  const store = new SettingsStore({ openStore, directory: dir });
  return new SettingsService({ store, policy: options.policy ?? policy(), env: options.env ?? {} });
}

const secrets = { tokenStorage: { persistent: true }, proxySignIn: null };

describe('SettingsService', () => {
  it('shows the layered settings with where each came from and what IT locked', () => {
    const view = service({ env: { STRATA_REGION: 'eu-west-1' } }).view(secrets);
    expect(view.values).toMatchObject({ companyName: 'Example Corp', issuer: 'https://login.example.com', region: 'eu-west-1' });
    expect(view.sources).toMatchObject({ companyName: 'policy', issuer: 'policy', region: 'env', clientId: 'default' });
    expect(view.locked).toEqual({ issuer: 'Managed by Example Corp IT' });
    expect(view.tokenStorage).toBe(secrets.tokenStorage);
  });

  it('saves a change, keeps it across restarts and tells listeners', () => {
    const first = service();
    const listener = vi.fn();
    const unsubscribe = first.onChange(listener);
    first.update({ clientId: 'strata-desktop', region: 'eu-central-1' });
    expect(listener).toHaveBeenCalledTimes(1);
    expect(first.effective()).toMatchObject({ clientId: 'strata-desktop', region: 'eu-central-1' });

    unsubscribe();
    first.update({ region: 'eu-west-2' });
    expect(listener).toHaveBeenCalledTimes(1);

    expect(service().view(secrets).sources).toMatchObject({ clientId: 'user', region: 'user' });
  });

  it('lets the policy value show through again when the person clears their own', () => {
    const settings = service({ policy: policy({ locked: [], settings: { clientId: 'from-policy' } }) });
    settings.update({ clientId: 'mine' });
    settings.update({ clientId: '' });
    expect(settings.effective().clientId).toBe('from-policy');
    expect(settings.view(secrets).sources.clientId).toBe('policy');
  });

  it('refuses, as a whole, a change that touches a setting IT has locked', () => {
    const settings = service();
    const listener = vi.fn();
    settings.onChange(listener);
    let thrown: unknown;
    try {
      settings.update({ region: 'eu-west-1', issuer: 'https://evil.example.net' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StrataError);
    expect(thrown).toMatchObject({
      code: 'invalid-input',
      message: "This setting is managed by your IT department and can't be changed here.",
    });
    expect(settings.effective()).toMatchObject({ region: 'us-east-1', issuer: 'https://login.example.com' });
    expect(listener).not.toHaveBeenCalled();
  });

  it('refuses an invalid value with a plain message naming the setting, and a sentence for its box', () => {
    const settings = service();
    let thrown: unknown;
    try {
      settings.update({ stsEndpoint: 'sts.example.com' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StrataError);
    expect((thrown as StrataError).toAppError()).toEqual({
      code: 'invalid-input',
      message: 'The value for “STS endpoint” isn\'t valid.',
      fields: { stsEndpoint: 'Enter the full web address, starting with https://.' },
      details: 'stsEndpoint: Enter the full web address, starting with https://.',
    });
    expect(settings.effective().stsEndpoint).toBe('');
  });

  it('takes endpoints and the sign-in address over https, and plain http only on this computer', () => {
    const settings = service({ policy: policy({ settings: {}, locked: [] }) });
    for (const address of ['http://sts.example.com', 'http://10.0.0.5:8080', 'http://127.example.com', 'ftp://sts.example.com', 'https://user:pw@sts.example.com']) {
      expect(() => settings.update({ stsEndpoint: address }), address).toThrow(
        expect.objectContaining({ fields: { stsEndpoint: 'Enter the full web address, starting with https://.' } }),
      );
      expect(() => settings.update({ issuer: address }), address).toThrow(StrataError);
    }
    for (const address of ['https://sts.eu-west-1.amazonaws.com', 'http://127.0.0.1:4566', 'http://127.8.9.10', 'http://localhost:4566', 'http://[::1]:4566']) {
      settings.update({ stsEndpoint: address, issuer: address });
      expect(settings.effective()).toMatchObject({ stsEndpoint: address, issuer: address });
    }
    // Every endpoint setting, the agents' one too.
    expect(() => settings.update({ bedrockAgentRuntimeEndpoint: 'http://agents.example.com' })).toThrow(StrataError);
    settings.update({ bedrockAgentRuntimeEndpoint: 'https://vpce-2.bedrock-agent-runtime.us-east-1.vpce.amazonaws.com' });
    expect(settings.effective().bedrockAgentRuntimeEndpoint).toBe('https://vpce-2.bedrock-agent-runtime.us-east-1.vpce.amazonaws.com');
    expect(() => settings.update({ bedrockAgentEndpoint: 'http://agents.example.com' })).toThrow(StrataError);
  });

  it('ignores an http address on another computer wherever it comes from: the policy, the settings file or the environment', () => {
    const settings = service({
      policy: policy({ settings: { companyName: 'Example Corp', cognitoIdentityEndpoint: 'http://cognito.internal' }, locked: [] }),
      env: { STRATA_STS_ENDPOINT: 'http://sts.internal' },
    });
    expect(settings.effective()).toMatchObject({ cognitoIdentityEndpoint: '', stsEndpoint: '' });
    expect(settings.view(secrets).notices.map((notice) => notice.id)).toEqual([
      'invalid:policy:cognitoIdentityEndpoint',
      'invalid:env:stsEndpoint',
    ]);
  });

  it('trusts the sign-in address for links only when IT or the environment set it', () => {
    expect(service().trustedIssuer()).toBe('https://login.example.com');
    expect(service({ policy: policy({ settings: {}, locked: [] }), env: { STRATA_ISSUER: 'https://id.example.org' } }).trustedIssuer()).toBe(
      'https://id.example.org',
    );
    const typed = service({ policy: policy({ settings: {}, locked: [] }) });
    typed.update({ issuer: 'https://evil.example.net' });
    expect(typed.effective().issuer).toBe('https://evil.example.net');
    expect(typed.trustedIssuer()).toBe('');
  });

  it('shows a notice told again after it was dismissed, and takes one back when its cause has passed', () => {
    const settings = service();
    settings.addNotice({ id: 'signed-out', level: 'info', message: 'Signed out.' });
    settings.dismissNotice('signed-out');
    expect(settings.view(secrets).notices.map((notice) => notice.id)).toEqual([]);
    settings.addNotice({ id: 'signed-out', level: 'info', message: 'Signed out.' });
    expect(settings.view(secrets).notices.map((notice) => notice.id)).toEqual(['signed-out']);
    settings.removeNotice('signed-out');
    expect(settings.view(secrets).notices).toEqual([]);
  });

  it('names every invalid setting in its own words when several are wrong', () => {
    const settings = service();
    expect(() => settings.update({ region: 'Ohio', identityPoolId: 'pool-1', scopes: 'email profile' })).toThrow(
      expect.objectContaining({
        message: "Some settings aren't valid.",
        fields: {
          region: 'Enter an AWS Region, such as us-east-1.',
          identityPoolId: 'Enter the identity pool ID, such as us-east-1:1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d.',
          scopes: 'Include openid in the scopes, for example: openid email profile.',
        },
      }),
    );
  });

  it('collects notices from the settings file, layering and other parts of Strata, and lets the person dismiss them', () => {
    const settings = service({ env: { STRATA_REDIRECT_PORT: 'eighty' } });
    const listener = vi.fn();
    settings.onChange(listener);
    settings.addNotice({ id: 'token-storage', level: 'info', message: 'Sign-in is kept in memory only.' });
    settings.addNotice({ id: 'token-storage', level: 'info', message: 'Sign-in is kept in memory only.' });
    expect(settings.view(secrets).notices.map((notice) => notice.id)).toEqual(['invalid:env:redirectPort', 'token-storage']);

    settings.dismissNotice('invalid:env:redirectPort');
    expect(settings.view(secrets).notices.map((notice) => notice.id)).toEqual(['token-storage']);
    expect(listener).toHaveBeenCalledTimes(3);
  });
});
