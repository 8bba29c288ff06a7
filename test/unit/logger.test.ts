import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodeLog from 'electron-log/node';
import { describe, expect, it } from 'vitest';
import { createLogger, type LoggerOptions } from '../../main/app/logger';
import { createDispatcher, type Handlers } from '../../main/ipc/dispatch';

/** A logger of its own writing to a file of its own, as the app's does. */
function freshLogger(options: Partial<LoggerOptions> = {}) {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'strata-log-')), 'logs', 'main.log');
  const electronLog = nodeLog.create({ logId: `test-${randomBytes(6).toString('hex')}` });
  const logger = createLogger(electronLog, { env: {}, file, console: false, ...options });
  // electron-log pads the level to line the messages up ("[info]  signed in"); one space reads the same here.
  return { ...logger, electronLog, file, read: () => readFileSync(file, 'utf8').replace(/\] +/g, '] ') };
}

describe('the log file', () => {
  it('writes info, warnings and errors with their level by default, and debug lines only when STRATA_LOG_LEVEL=debug', () => {
    const quiet = freshLogger();
    quiet.log('signed in');
    quiet.log('renewal failed', 'warn');
    quiet.log('database damaged', 'error');
    quiet.log('sign-in page opened', 'debug');
    const text = quiet.read();
    expect(quiet.level).toBe('info');
    expect(text).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:?\d{2}\] \[info\] signed in$/m);
    expect(text).toContain('[warn] renewal failed');
    expect(text).toContain('[error] database damaged');
    expect(text).not.toContain('sign-in page opened');

    const verbose = freshLogger({ env: { STRATA_LOG_LEVEL: 'DEBUG' } });
    verbose.log('sign-in page opened', 'debug');
    expect(verbose.read()).toContain('[debug] sign-in page opened');

    const terse = freshLogger({ env: { STRATA_LOG_LEVEL: 'warn' } });
    terse.log('signed in');
    terse.log('renewal failed', 'warn');
    expect(terse.read()).not.toContain('signed in');
    expect(terse.read()).toContain('renewal failed');
  });

  it('says so when STRATA_LOG_LEVEL is not a level, and logs at info', () => {
    const logger = freshLogger({ env: { STRATA_LOG_LEVEL: 'loud' } });
    logger.log('signed in');
    expect(logger.level).toBe('info');
    expect(logger.read()).toContain('[warn] STRATA_LOG_LEVEL="loud" is not one of error, warn, info, debug; logging at info');
    expect(logger.read()).toContain('[info] signed in');
  });

  it('archives the file when it reaches the cap, keeping only the newest archives', () => {
    const logger = freshLogger({ maxBytes: 2_000, archives: 2 });
    for (let i = 0; i < 200; i += 1) logger.log(`line ${String(i).padStart(3, '0')} ${'x'.repeat(60)}`);
    const dir = path.dirname(logger.file);
    expect(logger.files()).toEqual([logger.file, path.join(dir, 'main.1.log'), path.join(dir, 'main.2.log')]);
    expect(existsSync(path.join(dir, 'main.3.log'))).toBe(false);
    // Each file stops at the cap (checked before each line, so at most one line past it).
    for (const file of logger.files()) expect(statSync(file).size).toBeLessThan(2_000 + 120);
    expect(logger.read()).toContain('line 199');
    const all = logger.files().map((file) => readFileSync(file, 'utf8')).join('');
    expect(all).not.toContain('line 000');
    // Newest first: main.1.log holds the lines just before main.log's.
    const firstKept = (file: string) => Number(/line (\d{3})/.exec(readFileSync(file, 'utf8'))![1]);
    expect(firstKept(path.join(dir, 'main.1.log'))).toBeLessThan(firstKept(logger.file));
    expect(firstKept(path.join(dir, 'main.2.log'))).toBeLessThan(firstKept(path.join(dir, 'main.1.log')));
  });

  it('passes every line through the redactor, including errors with their stacks and causes logged straight to electron-log', () => {
    const logger = freshLogger();
    const token = randomBytes(32).toString('base64url');
    const secretKey = randomBytes(30).toString('base64');
    logger.log(`token answer {"refresh_token":"${token}"}`);
    const error = new Error(`request failed with Bearer ${token}`, { cause: new Error(`signing with ${secretKey}`) });
    logger.electronLog.error('renewal failed:', error);
    logger.electronLog.warn({ headers: { authorization: `Bearer ${token}` } });
    const text = logger.read();
    expect(text).not.toContain(token);
    expect(text).not.toContain(secretKey);
    expect(text).toContain('[error] renewal failed: Error: request failed with Bearer [redacted]');
    // The stack and its cause are kept, for whoever reads the log.
    expect(text).toMatch(/\n\s+at .*logger\.test\.ts/);
    expect(text).toContain('signing with [redacted]');
    expect(text).toContain('[warn] { headers: { authorization: ');
  });
});

describe('what main logs at which level', () => {
  it('refused requests are warnings, and a request that failed inside Strata is an error', async () => {
    const logger = freshLogger();
    const handlers = { 'auth:get-status': () => Promise.reject(new Error('database is locked')) } as unknown as Handlers;
    const dispatch = createDispatcher(handlers, (sender) => sender.url === 'app://strata/', logger.log);
    await dispatch('nope', undefined, { url: 'app://strata/', isMainFrame: true });
    await dispatch('auth:get-status', undefined, { url: 'https://evil.example/', isMainFrame: true });
    await dispatch('auth:get-status', undefined, { url: 'app://strata/', isMainFrame: true });
    const text = logger.read();
    expect(text).toContain('[warn] refused unknown channel "nope"');
    expect(text).toContain('[warn] refused auth:get-status from an untrusted sender');
    expect(text).toContain('[error] auth:get-status failed: database is locked');
  });
});
