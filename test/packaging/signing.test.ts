import { describe, expect, it } from 'vitest';
import { azureSignOptions, requestedPlatforms, unsignedReasons, unsignedWarning } from '../../scripts/signing';

const AZURE = {
  AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
  AZURE_SIGNING_ACCOUNT: 'strata-signing',
  AZURE_SIGNING_PROFILE: 'strata-public',
  AZURE_SIGNING_PUBLISHER: 'CN=Strata Ltd, O=Strata Ltd',
  AZURE_TENANT_ID: 'tenant',
  AZURE_CLIENT_ID: 'client',
  AZURE_CLIENT_SECRET: 'secret',
};

describe('installer signing from the environment', () => {
  it('calls a macOS build unsigned and un-notarized when nothing is set', () => {
    const reasons = unsignedReasons('mac', {});
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toMatch(/CSC_LINK/);
    expect(reasons[1]).toMatch(/APPLE_API_KEY/);
  });

  it('accepts a macOS certificate with either notarization credential set', () => {
    const cert = { CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'pw' };
    expect(unsignedReasons('mac', { ...cert, APPLE_API_KEY: 'key.p8', APPLE_API_KEY_ID: 'id', APPLE_API_ISSUER: 'issuer' })).toEqual([]);
    expect(unsignedReasons('mac', { ...cert, APPLE_ID: 'a@b.c', APPLE_APP_SPECIFIC_PASSWORD: 'pw', APPLE_TEAM_ID: 'team' })).toEqual([]);
    expect(unsignedReasons('mac', { CSC_NAME: 'Developer ID Application: Strata', APPLE_KEYCHAIN: 'k', APPLE_KEYCHAIN_PROFILE: 'p' })).toEqual([]);
  });

  it('does not count a partial or blank notarization credential', () => {
    expect(unsignedReasons('mac', { CSC_LINK: 'cert.p12', APPLE_API_KEY: 'key.p8', APPLE_API_KEY_ID: 'id' })).toHaveLength(1);
    expect(unsignedReasons('mac', { CSC_LINK: '  ', APPLE_ID: 'a', APPLE_APP_SPECIFIC_PASSWORD: 'b', APPLE_TEAM_ID: 'c' })).toHaveLength(1);
  });

  it('signs Windows with a certificate file or with Azure Trusted Signing', () => {
    expect(unsignedReasons('win', {})).toHaveLength(1);
    expect(unsignedReasons('win', { WIN_CSC_LINK: 'cert.pfx' })).toEqual([]);
    expect(unsignedReasons('win', { CSC_LINK: 'cert.pfx' })).toEqual([]);
    expect(unsignedReasons('win', AZURE)).toEqual([]);
  });

  it('never calls Linux packages unsigned: electron-builder does not sign them', () => {
    expect(unsignedReasons('linux', {})).toEqual([]);
    expect(unsignedWarning(['linux'], {})).toBe('');
  });

  it('turns the Azure variables into electron-builder azureSignOptions', () => {
    expect(azureSignOptions({})).toBeNull();
    expect(azureSignOptions(AZURE)).toEqual({
      endpoint: 'https://weu.codesigning.azure.net',
      codeSigningAccountName: 'strata-signing',
      certificateProfileName: 'strata-public',
      publisherName: 'CN=Strata Ltd, O=Strata Ltd',
    });
  });

  it('names what is missing when Azure signing is only half set up', () => {
    const { AZURE_SIGNING_PROFILE: _profile, AZURE_CLIENT_SECRET: _secret, ...partial } = AZURE;
    expect(() => azureSignOptions(partial)).toThrow('AZURE_SIGNING_PROFILE, AZURE_CLIENT_SECRET are missing');
  });

  it('prints one multi-line warning naming each platform that is unsigned', () => {
    const warning = unsignedWarning(['mac', 'win', 'linux'], { WIN_CSC_LINK: 'cert.pfx' });
    expect(warning).toMatch(/WARNING: THIS BUILD IS UNSIGNED/);
    expect(warning.split('\n').filter((line) => line.startsWith('  macOS:'))).toHaveLength(2);
    expect(warning).not.toMatch(/Windows:/);
    expect(unsignedWarning(['win'], { WIN_CSC_LINK: 'cert.pfx' })).toBe('');
  });

  it('reads the target platforms from electron-builder arguments, defaulting to this machine', () => {
    expect(requestedPlatforms(['--win', '--publish', 'always'], 'darwin')).toEqual(['win']);
    expect(requestedPlatforms(['-mwl'], 'linux')).toEqual(['mac', 'win', 'linux']);
    expect(requestedPlatforms(['--dir', '-c.mac.identity=null'], 'darwin')).toEqual(['mac']);
    expect(requestedPlatforms([], 'win32')).toEqual(['win']);
    expect(requestedPlatforms([], 'linux')).toEqual(['linux']);
  });
});
