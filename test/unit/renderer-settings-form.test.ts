import { describe, expect, it } from 'vitest';
import { SETTING_KEYS, type AppError, type CompanySettings } from '../../preload/contract';
import {
  describeMissing,
  describeSource,
  describeTokenStorage,
  SETTING_FIELDS,
  SETTING_GROUPS,
} from '../../renderer/src/settings/setting-fields';
import { buildSettingsPatch, changedKeys, fieldText, problemsFromError } from '../../renderer/src/settings/settings-form';

const values: CompanySettings = {
  companyName: 'Acme',
  issuer: 'https://login.acme.example',
  clientId: 'strata',
  scopes: 'openid email profile',
  redirectPort: 0,
  identityPoolId: '',
  region: 'us-east-1',
  loginsKey: '',
  cognitoIdentityEndpoint: '',
  stsEndpoint: '',
  bedrockEndpoint: '',
  bedrockRuntimeEndpoint: '',
};

describe('settings form', () => {
  it('shows the edit when there is one, else the saved value', () => {
    expect(fieldText(values, {}, 'redirectPort')).toBe('0');
    expect(fieldText(values, { clientId: 'desktop' }, 'clientId')).toBe('desktop');
  });

  it('patches only the keys that changed, with the port as a number', () => {
    const result = buildSettingsPatch(values, { clientId: 'desktop', redirectPort: ' 53682 ', region: 'us-east-1' }, {});
    expect(result).toEqual({ ok: true, patch: { clientId: 'desktop', redirectPort: 53682 } });
  });

  it('never patches a key IT locked', () => {
    expect(buildSettingsPatch(values, { issuer: 'https://evil.example' }, { issuer: 'Set by IT' })).toEqual({ ok: true, patch: {} });
    expect(changedKeys(values, { issuer: 'https://evil.example', clientId: 'x' }, { issuer: 'Set by IT' })).toEqual(['clientId']);
  });

  it('lets an optional setting be cleared', () => {
    const withEndpoint = { ...values, stsEndpoint: 'https://sts.example' };
    expect(buildSettingsPatch(withEndpoint, { stsEndpoint: '' }, {})).toEqual({ ok: true, patch: { stsEndpoint: '' } });
  });

  it('says so when the port is not a whole number in range', () => {
    for (const text of ['abc', '1.5', '-1', '70000', '']) {
      expect(buildSettingsPatch(values, { redirectPort: text }, {})).toMatchObject({ ok: false, key: 'redirectPort' });
    }
  });

  it('puts each problem a rejected save names under its setting', () => {
    const error: AppError = {
      code: 'invalid-input',
      message: "Some values aren't valid: region: Looks like us-east-1; issuer: Enter a full web address starting with https://",
      details: 'region: Looks like us-east-1; issuer: Enter a full web address starting with https://',
    };
    expect(problemsFromError(error, ['region', 'issuer'], SETTING_KEYS)).toEqual({
      region: 'Looks like us-east-1',
      issuer: 'Enter a full web address starting with https://',
    });
  });

  it('blames the only setting sent when the error names none', () => {
    const error: AppError = { code: 'invalid-input', message: 'The value for "AWS Region" isn\'t valid.', details: 'Looks like us-east-1' };
    expect(problemsFromError(error, ['region'], SETTING_KEYS)).toEqual({ region: 'Looks like us-east-1' });
    expect(problemsFromError(error, ['region', 'clientId'], SETTING_KEYS)).toEqual({});
  });

  it('ignores words in the details that are not settings', () => {
    const error: AppError = { code: 'internal', message: 'Failed.', details: 'cause: disk full' };
    expect(problemsFromError(error, ['region', 'clientId'], SETTING_KEYS)).toEqual({});
  });
});

describe('setting wording', () => {
  it('puts every setting in exactly one section of the form', () => {
    const grouped = SETTING_GROUPS.flatMap((group) => group.keys);
    expect([...grouped].sort()).toEqual([...SETTING_KEYS].sort());
    expect(Object.keys(SETTING_FIELDS).sort()).toEqual([...SETTING_KEYS].sort());
  });

  it('says where a value came from, except for the person\'s own', () => {
    expect(describeSource('policy')).toBe('Set by IT policy');
    expect(describeSource('env')).toBe('From environment variable');
    expect(describeSource('default')).toBe('Default');
    expect(describeSource('user')).toBeNull();
  });

  it('names missing settings in plain words', () => {
    expect(describeMissing(['issuer', 'region'])).toEqual([
      "The web address of your company's sign-in service (identity provider URL)",
      'The AWS Region',
    ]);
  });

  it('explains where the sign-in is kept', () => {
    expect(describeTokenStorage({ persistent: true })).toBe('Your sign-in is stored encrypted on this computer.');
    expect(describeTokenStorage({ persistent: false, reason: 'this computer has no secure key store.' })).toBe(
      "Your sign-in is kept in memory only: this computer has no secure key store. You'll sign in again each time Strata starts.",
    );
    expect(describeTokenStorage({ persistent: false })).toBe(
      "Your sign-in is kept in memory only. You'll sign in again each time Strata starts.",
    );
  });
});
