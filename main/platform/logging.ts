/**
 * Strata's log in the app: main.log in the platform's log folder, as
 * Electron names it (~/Library/Logs/Strata, %APPDATA%\Strata\logs,
 * ~/.config/Strata/logs), set up by createLogger (level, cap, archives,
 * redaction).
 *
 * electron-log/node writes it rather than electron-log/main: the same file
 * transport, without the IPC channel electron-log/main opens in main for
 * windows' log lines. Windows reach main only through the preload contract.
 */
import path from 'node:path';
import { app } from 'electron';
import electronLog from 'electron-log/node';
import { createLogger, type StrataLogger } from '../app/logger';

/** The app's logger; call once, at start. */
export function createAppLogger(env: Record<string, string | undefined>): StrataLogger {
  // Named as Electron names the app, not by searching for a package.json (inside app.asar when packaged).
  electronLog.transports.file.setAppName(app.getName());
  return createLogger(electronLog, { env, file: path.join(app.getPath('logs'), 'main.log') });
}
