/**
 * The updater in the app: electron-updater, which reads the feed's
 * latest.yml (or beta.yml, alpha.yml; -mac/-linux on those systems), refuses
 * a download whose sha512 differs from the one listed there, and before
 * installing checks the signature: on Windows that the installer is signed
 * by the publisher recorded at build time (publisherName in app-update.yml),
 * on macOS Squirrel.Mac's check of the app's code signature. Nothing here
 * turns those checks off.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
// electron-updater is CommonJS whose autoUpdater is a getter Node's ES module loader can't name: reached through the default export.
import electronUpdater, { type AppUpdater } from 'electron-updater';
import type { Updater } from '../app/updates';
import type { Log } from '../app/logger';

export interface ElectronUpdaterOptions {
  /** Default: electron-updater's updater for this system and package (NSIS, Squirrel.Mac, AppImage, deb, rpm). */
  updater?: AppUpdater;
  /** The installer's update settings, app-update.yml (default: the one in the app's resources). */
  updateConfigPath?: string;
  /** Default: the system Strata runs on. */
  platform?: NodeJS.Platform;
  log: Log;
}

export const NO_UPDATE_SETTINGS =
  "This copy of Strata was built without update settings, so it doesn't update itself. IT installs new versions for you.";
export const UNSIGNED_WINDOWS_BUILD =
  "This copy of Strata isn't signed, so it can't check that an update comes from your organization and doesn't update itself.";

/**
 * Why the installer's update settings don't allow updating, if they don't. electron-builder writes
 * app-update.yml when a build publishes somewhere: the feed, the download folder's name and, for a signed
 * Windows build, the publisher an update must be signed by. Without that name electron-updater would skip
 * the signature check, so such a build doesn't update at all.
 */
export function updateSettingsProblem(updateConfigPath: string, platform: NodeJS.Platform): string | undefined {
  let config: string;
  try {
    config = readFileSync(updateConfigPath, 'utf8');
  } catch {
    return NO_UPDATE_SETTINGS;
  }
  if (platform === 'win32' && !/^publisherName\s*:/m.test(config)) return UNSIGNED_WINDOWS_BUILD;
  return undefined;
}

/** Wraps electron-updater for the update service; use only in a packaged app. */
export function createElectronUpdater(options: ElectronUpdaterOptions): Updater {
  const configPath = options.updateConfigPath ?? (process.resourcesPath ? path.join(process.resourcesPath, 'app-update.yml') : undefined);
  const problem = configPath ? updateSettingsProblem(configPath, options.platform ?? process.platform) : NO_UPDATE_SETTINGS;
  // Made on first use, and so never where updates are off: making it reads the platform's installer and Electron's app.
  let made: AppUpdater | undefined;
  const updater = () => (made ??= setUp(options.updater ?? electronUpdater.autoUpdater, options.log));
  let configured: string | undefined;
  return {
    ...(problem ? { unavailable: problem } : {}),
    async check(feed) {
      const key = JSON.stringify(feed);
      if (key !== configured) {
        if (feed.url) updater().setFeedURL({ provider: 'generic', url: feed.url, ...(feed.channel ? { channel: feed.channel } : {}) });
        if (feed.channel) updater().channel = feed.channel;
        // Setting a channel allows going back a version; IT moves people back by publishing a higher one.
        updater().allowDowngrade = false;
        configured = key;
      }
      const result = await updater().checkForUpdates();
      return result?.isUpdateAvailable ? { version: result.updateInfo.version } : null;
    },
    async download() {
      await updater().downloadUpdate();
    },
    quitAndInstall() {
      // Silent (no installer wizard for staff to click through) and Strata starts again afterwards.
      updater().quitAndInstall(true, true);
    },
  };
}

/** Strata's settings for electron-updater: nothing installs unasked, no check is skipped. */
function setUp(updater: AppUpdater, log: Log): AppUpdater {
  updater.logger = {
    info: (message?: unknown) => log(`updater: ${String(message)}`, 'debug'),
    warn: (message?: unknown) => log(`updater: ${String(message)}`, 'warn'),
    error: (message?: unknown) => log(`updater: ${String(message)}`, 'warn'),
    debug: (message?: unknown) => log(`updater: ${String(message)}`, 'debug'),
  };
  // Strata decides when: it downloads what a check found, and installs only on "Restart to update", which waits for answers.
  updater.autoDownload = false;
  // Not on quit either: an installer run while Strata closes (in the middle of an answer, or as the computer shuts down) is one nobody asked for.
  updater.autoInstallOnAppQuit = false;
  // Strata's Windows installer is a full one; a web installer's package would arrive without a signature of its own.
  updater.disableWebInstaller = true;
  // Only the installer's own app-update.yml, never the development one.
  updater.forceDevUpdateConfig = false;
  return updater;
}
