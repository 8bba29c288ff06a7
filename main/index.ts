/** Strata's Electron entry point: wires the services to Electron and opens the window. */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { app, BrowserWindow, dialog, powerMonitor, session as electronSession, shell, type SaveDialogOptions } from 'electron';
import ElectronStore from 'electron-store';
import { APP_URL } from './app/app-files';
import { registerAppScheme, serveApp } from './app-protocol';
import { allowedExternalUrl } from './app/external-links';
import { createServices, type Services } from './app/services';
import { createDispatcher, isTrustedSender } from './ipc/dispatch';
import { registerIpc } from './ipc/electron-ipc';
import { createAppLogger } from './platform/logging';
import { createSafeStorageCipher } from './platform/safe-storage-cipher';
import { createElectronUpdater } from './platform/updates';
import { defaultPolicyPaths, readManagedPolicy } from './settings/policy';
import { createMainWindow, hardenApp } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const { log, files: logFiles } = createAppLogger(process.env);

let mainWindow: BrowserWindow | undefined;
let services: Services | undefined;

app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  services = createServices({
    openExternal: (url) => shell.openExternal(url),
    cipher: createSafeStorageCipher(),
    userDataDir: app.getPath('userData'),
    policyPaths: defaultPolicyPaths(process.platform, process.resourcesPath, process.env),
    managedPolicy: await readManagedPolicy(process.platform, os.userInfo().username),
    env: process.env,
    // On an EC2 instance (a cloud desktop), its role's credentials are one of the ways in.
    probeInstanceMetadata: true,
    openStore: (options) => new ElectronStore(options),
    saveFile: async (suggestedName, content) => {
      const options: SaveDialogOptions = {
        defaultPath: path.join(app.getPath('documents'), suggestedName),
        filters: [{ name: 'Markdown', extensions: ['md'] }],
      };
      const choice = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return null;
      await writeFile(choice.filePath, content, 'utf8');
      return choice.filePath;
    },
    saveBinaryFile: async (suggestedName, bytes, filter) => {
      const options: SaveDialogOptions = { defaultPath: path.join(app.getPath('documents'), suggestedName), filters: [filter] };
      const choice = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      if (choice.canceled || !choice.filePath) return null;
      await writeFile(choice.filePath, bytes);
      return choice.filePath;
    },
    showInFolder: (file) => shell.showItemInFolder(file),
    log,
    logFiles,
    appVersion: app.getVersion(),
    // The computer's proxy, as Chromium resolves it (system settings, PAC scripts, WPAD).
    resolveProxy: (url) => electronSession.defaultSession.resolveProxy(url),
    // Only an installed app updates itself; running from source never reads a development feed.
    ...(app.isPackaged ? { updater: createElectronUpdater({ log }) } : {}),
  });
  const { settings, wake } = services;
  // Timers sleep with the computer: on waking, the credentials in use that came due meanwhile are renewed at once, whatever their source.
  powerMonitor.on('resume', () => wake());
  hardenApp((url) => allowedExternalUrl(url, settings.trustedIssuer()));

  // The development server only when running from source; a packaged app always loads its own files.
  const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  if (!devServer) serveApp(path.join(here, '../renderer'));
  const rendererUrl = devServer ?? APP_URL;
  const dispatch = createDispatcher(services.handlers, (sender) => isTrustedSender(sender, rendererUrl), log);
  registerIpc(dispatch, services.events, () => mainWindow);

  const openWindow = () => {
    mainWindow = createMainWindow({ rendererUrl, preload: path.join(here, '../preload/index.cjs') });
    mainWindow.on('closed', () => {
      mainWindow = undefined;
    });
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  await services.start();
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => services?.dispose());
