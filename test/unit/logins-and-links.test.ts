import { describe, expect, it } from 'vitest';
import { isAllowedExternalUrl } from '../../main/app/external-links';
import { renewalMargin } from '../../main/auth/renewable-credentials';
import { loginsKeyFor } from '../../main/auth/logins-key';
import { isLoopbackHttp } from '../../main/auth/oidc';

describe('Cognito Logins key', () => {
  it('uses the user pool provider name for Cognito user pools', () => {
    expect(loginsKeyFor('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123')).toBe(
      'cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123',
    );
  });
  it('uses issuer host and path for other providers', () => {
    expect(loginsKeyFor('https://dev-123.okta.com/oauth2/default/')).toBe('dev-123.okta.com/oauth2/default');
    expect(loginsKeyFor('https://login.example.com')).toBe('login.example.com');
    expect(loginsKeyFor('http://127.0.0.1:4100')).toBe('127.0.0.1:4100');
  });
  it('prefers a configured key', () => {
    expect(loginsKeyFor('https://login.example.com', ' accounts.example.com ')).toBe('accounts.example.com');
  });
});

describe('external links', () => {
  const issuer = 'https://login.example.com/oauth2';
  it('opens AWS documentation and the company sign-in provider over https only', () => {
    expect(isAllowedExternalUrl('https://docs.aws.amazon.com/bedrock/', issuer)).toBe(true);
    expect(isAllowedExternalUrl('https://login.example.com/account', issuer)).toBe(true);
    expect(isAllowedExternalUrl('http://docs.aws.amazon.com/', issuer)).toBe(false);
    expect(isAllowedExternalUrl('https://evil.example/', issuer)).toBe(false);
    expect(isAllowedExternalUrl('https://user:pw@docs.aws.amazon.com/', issuer)).toBe(false);
    expect(isAllowedExternalUrl('file:///etc/passwd', issuer)).toBe(false);
    expect(isAllowedExternalUrl('javascript:alert(1)', issuer)).toBe(false);
    expect(isAllowedExternalUrl('not a url', '')).toBe(false);
  });
});

describe('credential renewal', () => {
  it('renews a quarter of the lifetime early, between 5 seconds and 5 minutes', () => {
    expect(renewalMargin(60 * 60_000)).toBe(5 * 60_000);
    expect(renewalMargin(8 * 60_000)).toBe(2 * 60_000);
    expect(renewalMargin(4_000)).toBe(5_000);
  });
  it('accepts plain http only for loopback issuers', () => {
    expect(isLoopbackHttp(new URL('http://127.0.0.1:4000'))).toBe(true);
    expect(isLoopbackHttp(new URL('http://localhost:4000'))).toBe(true);
    expect(isLoopbackHttp(new URL('http://login.example.com'))).toBe(false);
    expect(isLoopbackHttp(new URL('https://127.0.0.1'))).toBe(false);
  });
});
