/**
 * "Copy diagnostics": one zip IT can be sent, with the log files, the
 * versions, where each setting came from and the connection check. Nothing
 * secret goes in: the settings hold none, and every entry passes the
 * redactor on the way in, logs written by any earlier Strata included.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { SETTING_KEYS, type ConnectionReport, type SettingSource, type SettingsView } from '../../preload/contract';
import { StrataError } from '../errors';
import { ENV_VARS, SETTING_LABELS } from '../settings/layers';
import type { Log } from './logger';
import { redact } from './redact';

export interface DiagnosticsInput {
  /** The log file and its archives, newest first. */
  logFiles: readonly string[];
  /** Strata, Electron, Chrome, Node, the operating system, the processor. */
  versions: Record<string, string>;
  settings: SettingsView;
  /** The connection check with the saved settings, or why it could not run. */
  connection: ConnectionReport | { failed: string };
  now: Date;
}

const SOURCE_WORDS: Record<SettingSource, string> = {
  default: 'built-in default',
  policy: 'IT policy',
  user: 'set in Settings',
  env: 'environment variable',
};

/** Strata's, Electron's, Chrome's and Node's versions, the operating system's and the processor's; Electron's and Chrome's only under Electron. */
export function runtimeVersions(appVersion: string | undefined): Record<string, string> {
  const { electron, chrome, node } = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string };
  return {
    Strata: appVersion ?? 'development',
    ...(electron ? { Electron: electron } : {}),
    ...(chrome ? { Chrome: chrome } : {}),
    Node: node,
    OS: `${os.type()} ${os.release()} (${os.version()})`,
    Arch: process.arch,
  };
}

/** The zip's suggested name: strata-diagnostics-2026-03-01-0930.zip (local time, as the person reads it). */
export function diagnosticsFileName(now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())}-${two(now.getHours())}${two(now.getMinutes())}`;
  return `strata-diagnostics-${stamp}.zip`;
}

/** Each effective setting, the layer it came from, and whether IT locked it. */
export function settingsReport(view: SettingsView): string {
  const lines = ['Settings in use, and where each came from (built-in default, IT policy, set in Settings, environment variable)', ''];
  for (const key of SETTING_KEYS) {
    const source = view.sources[key];
    const from = source === 'env' ? `${SOURCE_WORDS.env} ${ENV_VARS[key]}` : SOURCE_WORDS[source];
    const locked = view.locked[key] ? `; locked: ${view.locked[key]}` : '';
    lines.push(`${SETTING_LABELS[key]} (${key}): ${JSON.stringify(view.values[key])} (${from}${locked})`);
  }
  lines.push(
    '',
    `Sign-in kept across restarts: ${view.tokenStorage.persistent ? 'yes (encrypted)' : `no${view.tokenStorage.reason ? ` (${view.tokenStorage.reason})` : ''}`}`,
    `Proxy sign-in: ${view.proxySignIn ? `saved for the user ${view.proxySignIn.username}` : 'none saved'}`,
  );
  for (const notice of view.notices) lines.push(`Notice (${notice.level}): ${notice.message}`);
  return lines.join('\n');
}

function versionsReport(versions: Record<string, string>, now: Date): string {
  return [`Collected ${now.toISOString()}`, ...Object.entries(versions).map(([name, version]) => `${name}: ${version}`)].join('\n');
}

/** The diagnostics zip's bytes. A log file that cannot be read is named in the zip instead. */
export function buildDiagnosticsBundle(input: DiagnosticsInput): Uint8Array {
  const text = (content: string) => strToU8(`${redact(content)}\n`);
  const entries: Zippable = {
    'versions.txt': text(versionsReport(input.versions, input.now)),
    'settings.txt': text(settingsReport(input.settings)),
    'connection.txt': text('failed' in input.connection ? `The connection check could not run: ${input.connection.failed}` : input.connection.text),
  };
  const unreadable: string[] = [];
  for (const file of input.logFiles) {
    try {
      entries[`logs/${path.basename(file)}`] = text(readFileSync(file, 'utf8'));
    } catch (err) {
      unreadable.push(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (input.logFiles.length === 0) unreadable.push('No log file has been written yet.');
  if (unreadable.length) entries['logs/not-included.txt'] = text(unreadable.join('\n'));
  return zipSync(entries, { level: 6, mtime: input.now });
}

export interface SaveDiagnosticsOptions {
  checkConnection(): Promise<ConnectionReport>;
  settings(): SettingsView;
  versions: Record<string, string>;
  logFiles(): readonly string[];
  /** Asks where to save (a Save dialog in the app) and writes the bytes; null if the person cancelled. */
  save(suggestedName: string, bytes: Uint8Array, filter: { name: string; extensions: string[] }): Promise<string | null>;
  log: Log;
}

/** Collects the diagnostics and saves the zip where the person chooses; null if they cancelled. */
export async function saveDiagnostics(options: SaveDiagnosticsOptions): Promise<{ path: string } | null> {
  const connection = await options.checkConnection().catch((err: unknown) => ({ failed: err instanceof Error ? err.message : String(err) }));
  const now = new Date();
  const zip = buildDiagnosticsBundle({ logFiles: options.logFiles(), versions: options.versions, settings: options.settings(), connection, now });
  let saved: string | null;
  try {
    saved = await options.save(diagnosticsFileName(now), zip, { name: 'Zip archive', extensions: ['zip'] });
  } catch (err) {
    const details = err instanceof Error ? err.message : String(err);
    options.log(`diagnostics not saved: ${details}`, 'warn');
    throw new StrataError('storage-failed', "Strata couldn't save the diagnostics there.", {
      action: 'Choose another folder, such as Documents, and try again.',
      details,
      cause: err,
    });
  }
  if (saved !== null) options.log(`diagnostics saved to ${saved}`);
  return saved === null ? null : { path: saved };
}
