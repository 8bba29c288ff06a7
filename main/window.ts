import { app, BrowserWindow, nativeTheme, session, shell } from 'electron';

/**
 * Hardening that applies to every web contents Strata ever creates: no new
 * windows (allowed links go to the system browser), no navigation away from
 * the app, no webviews, no permissions, no devices.
 *
 * `externalUrl` answers the normalized address to open for a link, or
 * undefined for one Strata doesn't open.
 */
export function hardenApp(externalUrl: (url: string) => string | undefined): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const target = externalUrl(url);
      if (target) void shell.openExternal(target);
      return { action: 'deny' };
    });
    contents.on('will-navigate', (event, url) => {
      if (url !== contents.getURL()) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // USB, HID and serial devices have a permission of their own: none is granted.
  ses.setDevicePermissionHandler(() => false);
}

/** Creates the main window: sandboxed, context-isolated, no Node in the page. */
export function createMainWindow(options: { rendererUrl: string; preload: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'Strata',
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#f7f7f8',
    webPreferences: {
      preload: options.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      webviewTag: false,
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.rendererUrl);
  return window;
}
