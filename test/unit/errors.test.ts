import { describe, expect, it } from 'vitest';
import { asStrataError, networkErrorCode, StrataError, toAppError } from '../../main/errors';

const fetchFailed = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });

describe('error mapping', () => {
  it('names the sign-in service or AWS when the network fails', () => {
    expect(toAppError(fetchFailed(), 'idp')).toMatchObject({
      code: 'idp-unreachable',
      message: "Strata couldn't reach your company's sign-in service.",
      details: 'Connection failed (ECONNREFUSED)',
    });
    const sdk = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED', $metadata: {} });
    expect(toAppError(sdk, 'aws')).toMatchObject({ code: 'aws-unreachable', action: expect.stringMatching(/VPN/) });
    expect(networkErrorCode(new Error('plain'))).toBeUndefined();
  });

  it('treats a rejected refresh token as an ended sign-in', () => {
    const err = Object.assign(new Error('server responded with an error'), {
      code: 'OAUTH_RESPONSE_BODY_ERROR',
      error: 'invalid_grant',
      error_description: 'grant request is invalid',
    });
    expect(toAppError(err, 'idp')).toEqual({
      code: 'session-expired',
      message: 'Your company sign-in has ended.',
      action: 'Sign in again to continue.',
      details: 'invalid_grant: grant request is invalid',
    });
  });

  it('explains provider answers that fail validation', () => {
    const err = Object.assign(new Error('unexpected JWT "nonce" claim value'), { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' });
    expect(toAppError(err, 'idp')).toMatchObject({ code: 'idp-rejected', details: expect.stringContaining('nonce') });
  });

  it('gives Cognito and STS failures specific guidance with the request id', () => {
    const notAuthorized = Object.assign(new Error('Invalid login token. Token expired'), {
      name: 'NotAuthorizedException',
      $metadata: { requestId: 'req-123', httpStatusCode: 400 },
    });
    const mapped = toAppError(notAuthorized);
    expect(mapped.code).toBe('cognito-rejected');
    expect(mapped.details).toContain('Request ID: req-123');
    expect(mapped.details).toContain('NotAuthorizedException');
    expect(toAppError(Object.assign(new Error('x'), { name: 'ResourceNotFoundException', $metadata: {} })).code).toBe('cognito-not-found');
    expect(toAppError(Object.assign(new Error('x'), { name: 'ExpiredToken', $metadata: {} })).code).toBe('session-expired');
    expect(toAppError(Object.assign(new Error('x'), { name: 'AccessDenied', $metadata: {} })).code).toBe('aws-rejected');
  });

  it('keeps Strata errors as they are and wraps the unknown', () => {
    const own = new StrataError('sign-in-timeout', 'Too long.', { action: 'Again.' });
    expect(toAppError(own)).toEqual({ code: 'sign-in-timeout', message: 'Too long.', action: 'Again.' });
    expect(asStrataError(own, 'idp')).toBe(own);
    const wrapped = asStrataError(fetchFailed(), 'idp');
    expect(wrapped).toBeInstanceOf(StrataError);
    expect(wrapped.code).toBe('idp-unreachable');
    expect(toAppError('weird')).toMatchObject({ code: 'internal', details: 'weird' });
  });
});
