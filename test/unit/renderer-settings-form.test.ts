import { describe, expect, it } from 'vitest';
import { companySettingsSchema, SETTING_KEYS, type AppError, type CompanySettings } from '../../preload/contract';
import {
  BEDROCK_REGIONS,
  describeMissing,
  describeSource,
  describeTokenStorage,
  SETTING_FIELDS,
  SETTING_GROUPS,
  ACCOUNT_KEYS,
  SETTING_MAX_LENGTH,
} from '../../renderer/src/settings/setting-fields';
import {
  buildSettingsPatch,
  changedKeys,
  describeSaveFailure,
  fieldText,
  problemSummary,
} from '../../renderer/src/settings/settings-form';

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
  bedrockAgentEndpoint: '',
  bedrockAgentRuntimeEndpoint: '',
  ssoEndpoint: '',
  ssoOidcEndpoint: '',
  proxy: 'system',
  noProxy: '',
  caBundle: '',
  credentialSource: 'company',
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

  it('puts each sentence main sends beside its setting, and nothing in the footer', () => {
    const error: AppError = {
      code: 'invalid-input',
      message: "Some values aren't valid.",
      details: 'region: Enter an AWS Region, such as us-east-1.',
      fields: {
        region: 'Enter an AWS Region, such as us-east-1.',
        issuer: 'Enter the full web address, starting with https://.',
      },
    };
    expect(describeSaveFailure(error, ['region', 'issuer'], SETTING_KEYS)).toEqual({
      problems: { region: 'Enter an AWS Region, such as us-east-1.', issuer: 'Enter the full web address, starting with https://.' },
      notice: null,
    });
  });

  it('never shows the technical details as a setting\'s problem', () => {
    const error: AppError = { code: 'invalid-input', message: 'The value for “AWS Region” isn\'t valid.', details: 'region: Invalid input' };
    expect(describeSaveFailure(error, ['region'], SETTING_KEYS).problems).toEqual({ region: 'The value for “AWS Region” isn\'t valid.' });
    // Several were sent and none is named: nothing to put beside a box, so the footer says it.
    expect(describeSaveFailure(error, ['region', 'clientId'], SETTING_KEYS)).toEqual({ problems: {}, notice: error });
  });

  it('shows an error that belongs to no setting once, in the footer', () => {
    const error: AppError = { code: 'storage-failed', message: "Strata couldn't save your settings.", details: 'ENOSPC' };
    expect(describeSaveFailure(error, ['region'], SETTING_KEYS)).toEqual({ problems: {}, notice: error });
    const unknownField: AppError = { code: 'invalid-input', message: 'Failed.', fields: { cause: 'disk full' } };
    expect(describeSaveFailure(unknownField, ['region', 'clientId'], SETTING_KEYS).problems).toEqual({});
  });

  it('sums up in the footer how many settings need a change', () => {
    expect(problemSummary({})).toBeNull();
    expect(problemSummary({ region: 'Enter an AWS Region, such as us-east-1.' })).toBe('One setting needs a change before it can be saved.');
    expect(problemSummary({ region: 'a', issuer: 'b' })).toBe('2 settings need a change before they can be saved.');
  });
});

describe('company settings rules', () => {
  const problemsOf = (patch: Record<string, unknown>) => {
    const parsed = companySettingsSchema.partial().strict().safeParse(patch);
    return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
  };

  it('say what to enter, in sentences anyone can follow', () => {
    const cases: Record<string, unknown>[] = [
      { region: 'Ohio' },
      { region: 42 },
      { issuer: 'login.example.com' },
      { identityPoolId: 'pool' },
      { scopes: 'email  profile' },
      { scopes: 'email profile' },
      { redirectPort: 70000 },
      { redirectPort: 'abc' },
      { companyName: '' },
      { companyName: 'x'.repeat(81) },
      { clientId: 'x'.repeat(257) },
      { stsEndpoint: 5 },
    ];
    for (const patch of cases) {
      const messages = problemsOf(patch);
      expect(messages.length, JSON.stringify(patch)).toBeGreaterThan(0);
      for (const message of messages) {
        expect(message, JSON.stringify(patch)).toMatch(/^[A-Z].*\.$/);
        expect(message, JSON.stringify(patch)).not.toMatch(/Invalid|expected|received|Too (big|small)|regex|[<>]=/i);
      }
    }
    expect(problemsOf({ region: 'Ohio' })).toEqual(['Enter an AWS Region, such as us-east-1.']);
  });

  it('limit each box to what main accepts', () => {
    for (const key of SETTING_KEYS) {
      if (key === 'redirectPort') continue;
      const max = SETTING_MAX_LENGTH[key];
      expect(problemsOf({ [key]: 'x'.repeat(max + 1) }).length, key).toBeGreaterThan(0);
    }
    expect(SETTING_MAX_LENGTH.redirectPort).toBe(String(65535).length);
  });
});

describe('setting wording', () => {
  it('puts every setting in exactly one section of the form, or under Account', () => {
    const grouped = [...SETTING_GROUPS.flatMap((group) => group.keys), ...ACCOUNT_KEYS];
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

describe('the Region picker', () => {
  it('offers only Regions the setting accepts, each once, with its name', () => {
    const values = BEDROCK_REGIONS.map((region) => region.value);
    expect(new Set(values).size).toBe(values.length);
    for (const region of BEDROCK_REGIONS) {
      expect(companySettingsSchema.shape.region.safeParse(region.value).success, region.value).toBe(true);
      expect(region.label).toMatch(/\(.+\)$/);
    }
    expect(SETTING_FIELDS.region.suggestions).toBe(BEDROCK_REGIONS);
  });
});
