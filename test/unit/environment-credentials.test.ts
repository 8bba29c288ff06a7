/** Which of its own credentials this computer offers, and the variables read as the SDK reads them. */
import { describe, expect, it } from 'vitest';
import { detectEnvironmentCredentials, environmentProvider } from '../../main/auth/environment-credentials';
import { environmentText, sourceLabel, sourceShort } from '../../renderer/src/accounts/source-words';
import { sourceKey } from '../../renderer/src/accounts/accounts-store';
import { parseCredentialSource, credentialSourceText, companySettingsSchema } from '../../preload/contract';

describe("this computer's own credentials", () => {
  it('are found in the order of the SDK default chain: variables, then a container, then (asked for) an instance', async () => {
    expect(await detectEnvironmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's' }, false)).toBe('variables');
    expect(await detectEnvironmentCredentials({ AWS_ACCESS_KEY_ID: 'AKID' }, false)).toBeUndefined();
    expect(await detectEnvironmentCredentials({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x' }, false)).toBe('container');
    expect(await detectEnvironmentCredentials({}, false)).toBeUndefined();
    // Turned off as the SDK lets it be: the metadata service is not even asked.
    expect(await detectEnvironmentCredentials({ AWS_EC2_METADATA_DISABLED: 'true' }, true)).toBeUndefined();
  });

  it('reads the variables as fromEnv does, session token and expiry included', async () => {
    const credentials = await environmentProvider('variables', {
      AWS_ACCESS_KEY_ID: ' ASIAEXAMPLE ',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
      AWS_CREDENTIAL_EXPIRATION: '2026-11-23T18:00:00Z',
    })();
    expect(credentials).toEqual({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-11-23T18:00:00Z'),
    });
    await expect(environmentProvider('variables', { AWS_ACCESS_KEY_ID: 'AKID' })()).rejects.toThrow(/AWS_SECRET_ACCESS_KEY/);
  });

  it('are a source of their own: in the setting, in the window, in words', () => {
    expect(credentialSourceText({ kind: 'environment' })).toBe('environment');
    expect(parseCredentialSource('environment')).toEqual({ kind: 'environment' });
    expect(companySettingsSchema.shape.credentialSource.safeParse('environment').success).toBe(true);
    expect(sourceKey({ kind: 'environment' })).toBe('environment');
    expect(sourceLabel({ kind: 'environment', from: 'instance' })).toBe("This computer's AWS credentials");
    expect(sourceShort({ kind: 'environment', from: 'variables' })).toBe("This computer's credentials");
    expect(environmentText('variables')).toBe('From environment variables (AWS_ACCESS_KEY_ID)');
    expect(environmentText('instance')).toBe("From this EC2 instance's role");
  });
});
