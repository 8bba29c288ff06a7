import { describe, expect, it, vi } from 'vitest';
import { StrataError } from '../../main/errors';
import { createDispatcher, isTrustedSender, type Handlers } from '../../main/ipc/dispatch';
import { requests } from '../../preload/contract';

const APP = 'file:///opt/Strata/resources/app.asar/out/renderer/index.html';
const fromApp = { url: APP, isMainFrame: true };
const company = { kind: 'company' } as const;

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const fail = () => {
    throw new Error('not used');
  };
  const all = Object.fromEntries(Object.keys(requests).map((channel) => [channel, fail])) as unknown as Handlers;
  return {
    ...all,
    'auth:get-status': () => ({ state: 'signed-out', configured: true, missing: [], source: company }),
    ...overrides,
  };
}

describe('IPC dispatch', () => {
  const trusted = (sender: { url: string | undefined; isMainFrame: boolean }) => isTrustedSender(sender, APP);

  it('returns the handler value as ok', async () => {
    const dispatch = createDispatcher(handlers(), trusted);
    await expect(dispatch('auth:get-status', undefined, fromApp)).resolves.toEqual({
      ok: true,
      value: { state: 'signed-out', configured: true, missing: [], source: company },
    });
  });

  it('refuses a channel the contract does not declare', async () => {
    const dispatch = createDispatcher(handlers(), trusted);
    const result = await dispatch('fs:read', '/etc/passwd', fromApp);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    const proto = await dispatch('__proto__', undefined, fromApp);
    expect(proto).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
  });

  it('refuses senders other than the main frame of the app page', async () => {
    const getStatus = vi.fn(() => ({ state: 'signed-out' as const, configured: true, missing: [], source: company }));
    const dispatch = createDispatcher(handlers({ 'auth:get-status': getStatus }), trusted);
    for (const sender of [
      { url: 'https://evil.example/', isMainFrame: true },
      { url: APP, isMainFrame: false },
      { url: 'file:///tmp/other.html', isMainFrame: true },
      { url: undefined, isMainFrame: true },
      { url: 'not a url', isMainFrame: true },
    ]) {
      expect(await dispatch('auth:get-status', undefined, sender)).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
    }
    expect(getStatus).not.toHaveBeenCalled();
  });

  it('validates input against the channel schema before the handler runs', async () => {
    const update = vi.fn();
    const dispatch = createDispatcher(handlers({ 'settings:update': update }), trusted);
    const cases: unknown[] = [
      { redirectPort: 'abc' },
      { redirectPort: 70000 },
      { issuer: 'javascript:alert(1)' },
      { unknownKey: 1 },
      'a string',
      null,
    ];
    for (const input of cases) {
      const result = await dispatch('settings:update', input, fromApp);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('invalid-input');
        expect(result.error.message).toMatch(/aren't valid/);
      }
    }
    expect(await dispatch('auth:sign-in', { extra: true }, fromApp)).toMatchObject({ ok: false });
    expect(update).not.toHaveBeenCalled();
  });

  it('says what is wrong with each field in a sentence, never in the validator\'s words', async () => {
    const dispatch = createDispatcher(handlers(), trusted);
    const result = await dispatch('settings:update', { region: 'Ohio', issuer: 'login.example.com', redirectPort: 'abc' }, fromApp);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        message: "Some values aren't valid.",
        fields: {
          region: 'Enter an AWS Region, such as us-east-1.',
          issuer: 'Enter the full web address, starting with https://.',
          redirectPort: 'Enter a whole number from 0 to 65535 (0 picks any free port).',
        },
      },
    });
    // Checks a schema did not word itself still read as sentences, on the field they belong to.
    const tooLong = await dispatch('chat:send', { conversationId: null, text: 'x'.repeat(100_001) }, fromApp);
    expect(tooLong).toMatchObject({
      ok: false,
      error: { fields: { text: 'This is too long: keep it to 100,000 characters or fewer.' } },
    });
    for (const outcome of [result, tooLong]) {
      if (outcome.ok) continue;
      const shown = [outcome.error.message, ...Object.values(outcome.error.fields ?? {})].join(' ');
      expect(shown).not.toMatch(/Invalid input|expected|received|Too big|regex|region:|text:/i);
    }
  });

  it('turns a thrown error into a plain-language error result', async () => {
    const dispatch = createDispatcher(
      handlers({
        'auth:sign-in': () => {
          throw new StrataError('sign-in-timeout', 'The sign-in took too long.', { action: 'Try again.' });
        },
        'auth:sign-out': () => {
          throw new Error('boom');
        },
      }),
      trusted,
    );
    expect(await dispatch('auth:sign-in', undefined, fromApp)).toEqual({
      ok: false,
      error: { code: 'sign-in-timeout', message: 'The sign-in took too long.', action: 'Try again.' },
    });
    expect(await dispatch('auth:sign-out', undefined, fromApp)).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'Something went wrong in Strata.', details: 'boom' },
    });
  });
});

describe('trusted sender', () => {
  it('accepts the same origin for the development server', () => {
    expect(isTrustedSender({ url: 'http://localhost:5173/#/x', isMainFrame: true }, 'http://localhost:5173/')).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5174/', isMainFrame: true }, 'http://localhost:5173/')).toBe(false);
  });
});
