/**
 * Strata's log: electron-log writing a capped file with a few archives, at
 * the level the environment asks for, every line through the redactor first.
 * The same wrapper serves the app (electron-log/main, in the platform's log
 * folder) and tests (electron-log/node, in a temporary folder).
 */
import { existsSync, renameSync } from 'node:fs';
import path from 'node:path';
import { inspect } from 'node:util';
import type ElectronLog from 'electron-log';
import { redact } from './redact';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Writes one line to Strata's log: info unless said otherwise. */
export type Log = (message: string, level?: LogLevel) => void;

/** The environment variable that sets how much is logged. */
export const LOG_LEVEL_ENV = 'STRATA_LOG_LEVEL';
/** The log file's size before it is archived and a new one begun. */
export const LOG_MAX_BYTES = 1024 * 1024;
/** How many archived files are kept beside the current one (main.1.log is the newest). */
export const LOG_ARCHIVES = 3;

export interface StrataLogger {
  log: Log;
  /** The level lines are written from. */
  level: LogLevel;
  /** The log file and its archives that exist, newest first. */
  files(): string[];
}

export interface LoggerOptions {
  env: Record<string, string | undefined>;
  /** Where the file is; default electron-log's (the platform's log folder). */
  file?: string;
  maxBytes?: number;
  archives?: number;
  /** Also print to the console (running from a terminal); default true. */
  console?: boolean;
}

/** The level STRATA_LOG_LEVEL asks for, or info, with what was wrong with it. */
export function logLevelFrom(env: Record<string, string | undefined>): { level: LogLevel; problem?: string } {
  const asked = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  if (!asked) return { level: 'info' };
  if ((LOG_LEVELS as readonly string[]).includes(asked)) return { level: asked as LogLevel };
  return {
    level: 'info',
    problem: `${LOG_LEVEL_ENV}="${env[LOG_LEVEL_ENV]}" is not one of ${LOG_LEVELS.join(', ')}; logging at info`,
  };
}

/** One logged value as text: errors with their stack and causes, objects in full. */
function asText(item: unknown): string {
  return typeof item === 'string' ? item : inspect(item, { depth: 5, breakLength: Infinity });
}

/** An archive's name: main.log → main.1.log. */
function archiveName(file: string, n: number): string {
  const { dir, name, ext } = path.parse(file);
  return path.join(dir, `${name}.${n}${ext}`);
}

/** Sets up an electron-log instance as Strata's log and returns the function main logs with. */
export function createLogger(logger: ElectronLog.NodeLogger, options: LoggerOptions): StrataLogger {
  const { level, problem } = logLevelFrom(options.env);
  const archives = options.archives ?? LOG_ARCHIVES;
  const { file: fileTransport, console: consoleTransport } = logger.transports;

  // Inside the logger, so nothing that logs (Strata, a library, electron-log's own error catching) can skip it.
  logger.hooks.push((message) => ({ ...message, data: message.data.map((item: unknown) => redact(asText(item))) }));

  fileTransport.level = level;
  fileTransport.maxSize = options.maxBytes ?? LOG_MAX_BYTES;
  fileTransport.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}{z}] [{level}] {text}';
  const fixed = options.file;
  if (fixed) fileTransport.resolvePathFn = () => fixed;
  fileTransport.archiveLogFn = (current) => {
    try {
      for (let n = archives - 1; n >= 1; n -= 1) {
        if (existsSync(archiveName(current.path, n))) renameSync(archiveName(current.path, n), archiveName(current.path, n + 1));
      }
      renameSync(current.path, archiveName(current.path, 1));
    } catch {
      // A file another program holds open (antivirus, an editor) cannot be renamed: start it afresh rather than grow past the cap.
      current.clear();
    }
  };
  consoleTransport.level = options.console === false ? false : level;
  consoleTransport.format = '[strata] [{level}] {text}';
  // Lines stay in main: not sent to windows' developer tools nor anywhere on the network.
  for (const name of ['ipc', 'remote']) {
    const transport = logger.transports[name];
    if (transport) transport.level = false;
  }

  const log: Log = (message, lineLevel = 'info') => logger[lineLevel](message);
  if (problem) log(problem, 'warn');
  return {
    log,
    level,
    files() {
      const current = fileTransport.getFile().path;
      const all = [current, ...Array.from({ length: archives }, (_, i) => archiveName(current, i + 1))];
      return all.filter((file) => existsSync(file));
    },
  };
}
