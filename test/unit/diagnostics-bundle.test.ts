import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildDiagnosticsBundle, diagnosticsFileName, saveDiagnostics, settingsReport } from '../../main/app/diagnostics-bundle';
import { StrataError } from '../../main/errors';
import { resolveSettings } from '../../main/settings/layers';
import type { ConnectionReport, SettingsView } from '../../preload/contract';

/** What Settings shows, for settings from every layer: IT policy (one key locked), the person, the environment. */
function settingsView(): SettingsView {
  const resolved = resolveSettings({
    policy: { settings: { companyName: 'Example Corp', issuer: 'https://login.example.com' }, locked: ['issuer'], lockReason: 'Set by Example Corp IT' },
    user: { region: 'eu-west-1' },
    env: { STRATA_PROXY: 'http://proxy.example.com:8080' },
  });
  return {
    ...resolved,
    tokenStorage: { persistent: false, reason: 'no system keyring was found' },
    proxySignIn: null,
    policy: { allowExport: true },
  };
}

const report: ConnectionReport = { checkedAt: 0, checks: [], text: 'Company sign-in https://login.example.com: works' };
const now = new Date(2026, 2, 1, 9, 30);
const unzipText = (zip: Uint8Array) =>
  Object.fromEntries(Object.entries(unzipSync(zip)).map(([name, bytes]) => [name, strFromU8(bytes)]));

describe('the diagnostics zip', () => {
  it('names each setting, its value and the layer it came from, and what IT locked', () => {
    const text = settingsReport(settingsView());
    expect(text).toContain('Company name (companyName): "Example Corp" (IT policy)');
    expect(text).toContain('Sign-in address (issuer) (issuer): "https://login.example.com" (IT policy; locked: Set by Example Corp IT)');
    expect(text).toContain('AWS Region (region): "eu-west-1" (set in Settings)');
    expect(text).toContain('Proxy (proxy): "http://proxy.example.com:8080" (environment variable STRATA_PROXY)');
    expect(text).toContain('Client ID (clientId): "" (built-in default)');
    expect(text).toContain('Sign-in kept across restarts: no (no system keyring was found)');
  });

  it('holds the logs redacted again, logs written before redaction included, and says which could not be read', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'strata-bundle-'));
    const token = randomBytes(32).toString('base64url');
    writeFileSync(path.join(dir, 'main.log'), 'session: ready\n');
    writeFileSync(path.join(dir, 'main.1.log'), `an older line {"refresh_token":"${token}"}\n`);
    const zip = buildDiagnosticsBundle({
      logFiles: [path.join(dir, 'main.log'), path.join(dir, 'main.1.log'), path.join(dir, 'main.2.log')],
      versions: { Strata: '1.2.3', Node: '24.0.0' },
      settings: settingsView(),
      connection: report,
      now,
    });
    const entries = unzipText(zip);
    expect(Object.keys(entries).sort()).toEqual(['connection.txt', 'logs/main.1.log', 'logs/main.log', 'logs/not-included.txt', 'settings.txt', 'versions.txt']);
    expect(entries['logs/main.1.log']).toContain('{"refresh_token":"[redacted]"}');
    expect(Object.values(entries).join('\n')).not.toContain(token);
    expect(entries['logs/not-included.txt']).toContain('main.2.log');
    expect(entries['versions.txt']).toContain('Strata: 1.2.3');
    expect(entries['connection.txt']).toContain('Company sign-in https://login.example.com: works');
  });

  it('is named for when it was made', () => {
    expect(diagnosticsFileName(now)).toBe('strata-diagnostics-2026-03-01-0930.zip');
  });

  it('still saves when the connection check fails, saying why it could not run', async () => {
    let zip: Uint8Array | undefined;
    const saved = await saveDiagnostics({
      checkConnection: () => Promise.reject(new Error('the proxy setting cannot be used')),
      settings: settingsView,
      versions: {},
      logFiles: () => [],
      save: async (_name, bytes) => {
        zip = bytes;
        return '/home/ada/Documents/strata-diagnostics.zip';
      },
      log: () => {},
    });
    expect(saved).toEqual({ path: '/home/ada/Documents/strata-diagnostics.zip' });
    const entries = unzipText(zip!);
    expect(entries['connection.txt']).toContain('The connection check could not run: the proxy setting cannot be used');
    expect(entries['logs/not-included.txt']).toContain('No log file has been written yet.');
  });

  it('says in plain words when the file cannot be written', async () => {
    const lines: string[] = [];
    const failing = saveDiagnostics({
      checkConnection: async () => report,
      settings: settingsView,
      versions: {},
      logFiles: () => [],
      save: () => Promise.reject(new Error('EACCES: permission denied')),
      log: (message) => lines.push(message),
    });
    await expect(failing).rejects.toBeInstanceOf(StrataError);
    await expect(failing).rejects.toMatchObject({ code: 'storage-failed', message: "Strata couldn't save the diagnostics there.", details: 'EACCES: permission denied' });
    expect(lines).toEqual(['diagnostics not saved: EACCES: permission denied']);
  });
});
