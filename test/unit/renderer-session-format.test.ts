import { describe, expect, it } from 'vitest';
import { describeArn, displayName, formatAccountId, initials, readableArn } from '../../renderer/src/session/session-format';
import { formatRemaining } from '../../renderer/src/shared/time-format';

describe('formatRemaining', () => {
  it('shows minutes and seconds under an hour, as in "expires in 54:12"', () => {
    expect(formatRemaining((54 * 60 + 12) * 1000)).toBe('54:12');
    expect(formatRemaining((5 * 60 + 3) * 1000)).toBe('5:03');
  });

  it('shows hours when an hour or more is left', () => {
    expect(formatRemaining((3600 + 4 * 60 + 9) * 1000)).toBe('1:04:09');
  });

  it('switches to seconds in words under a minute', () => {
    expect(formatRemaining(42_000)).toBe('42 seconds');
    expect(formatRemaining(1_000)).toBe('1 second');
    expect(formatRemaining(59_999)).toBe('1:00');
  });

  it('rounds up part-seconds so the countdown reaches zero exactly at expiry', () => {
    expect(formatRemaining(41_001)).toBe('42 seconds');
    expect(formatRemaining(1)).toBe('1 second');
  });

  it('never shows negative time', () => {
    expect(formatRemaining(0)).toBe('0 seconds');
    expect(formatRemaining(-5_000)).toBe('0 seconds');
    expect(formatRemaining(Number.NaN)).toBe('—');
  });
});

describe('describeArn', () => {
  it('reads an assumed role from a Cognito identity pool as role name and account', () => {
    const arn = 'arn:aws:sts::123456789012:assumed-role/Strata-Users/CognitoIdentityCredentials';
    expect(describeArn(arn)).toEqual({
      name: 'Strata-Users',
      kind: 'role',
      account: '123456789012',
      sessionName: 'CognitoIdentityCredentials',
      arn,
    });
    expect(readableArn(arn)).toBe('Strata-Users · account 1234-5678-9012');
  });

  it('reads IAM users and roles with paths by their last segment', () => {
    expect(describeArn('arn:aws:iam::123456789012:user/ops/alice')).toMatchObject({ name: 'alice', kind: 'user' });
    expect(describeArn('arn:aws:iam::123456789012:role/service/Builder')).toMatchObject({ name: 'Builder', kind: 'role' });
  });

  it('names the root user and other partitions', () => {
    expect(describeArn('arn:aws-us-gov:iam::123456789012:root')).toMatchObject({ name: 'Root user', kind: 'root', account: '123456789012' });
  });

  it('shows anything it cannot read as given', () => {
    expect(describeArn('not an arn')).toEqual({ name: 'not an arn', kind: 'other', arn: 'not an arn' });
    expect(readableArn('not an arn')).toBe('not an arn');
  });
});

describe('formatAccountId', () => {
  it('groups a 12-digit account id like the AWS console', () => {
    expect(formatAccountId('123456789012')).toBe('1234-5678-9012');
  });

  it('leaves anything else alone', () => {
    expect(formatAccountId('12345')).toBe('12345');
  });
});

describe('displayName and initials', () => {
  it('greets by name, else email, else the subject id', () => {
    expect(displayName({ subject: 's1', name: 'Jane Doe', email: 'jane@example.com' })).toBe('Jane Doe');
    expect(displayName({ subject: 's1', name: '  ', email: 'jane@example.com' })).toBe('jane@example.com');
    expect(displayName({ subject: 's1' })).toBe('s1');
  });

  it('makes initials from the name or the email', () => {
    expect(initials({ subject: 's', name: 'Jane van Doe' })).toBe('JD');
    expect(initials({ subject: 's', email: 'ops@example.com' })).toBe('O');
    expect(initials({ subject: 's' })).toBe('?');
  });
});
