/**
 * A recording stand-in for the `electron` module, so main's window and app
 * set-up run under plain Node where the Electron binary isn't installed. It
 * records every call, keeps every handler main installs, emits events the
 * way Electron does (a new window's web contents announces itself through
 * `web-contents-created`), and refuses what Electron refuses: setting up the
 * sandbox or a privileged scheme after the app is ready, a window or the
 * default session before it, a second handler for one IPC channel.
 *
 * Tests mock `electron` with `electron` below and start each case with
 * `resetElectron()`, which gives a fresh world behind the same module.
 */
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** An Electron event: remembers whether a handler called preventDefault. */
export class StandInEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A frame (WebFrameMain): what IPC reports as `senderFrame`. */
export class StandInFrame {
  constructor(public url: string) {}
}

type WindowOpenHandler = (details: { url: string; frameName: string; features: string; disposition: string }) => {
  action: 'allow' | 'deny';
};

/** A web contents: its main frame, its handlers, and what main sent it. */
export class StandInWebContents extends EventEmitter {
  readonly mainFrame: StandInFrame;
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];

  constructor(url: string) {
    super();
    this.mainFrame = new StandInFrame(url);
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }

  /** What Electron does when the page calls window.open(url) or follows a target=_blank link. */
  openWindow(url: string): { action: 'allow' | 'deny' } {
    // With no handler, Electron opens the window.
    return this.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window' }) ?? { action: 'allow' };
  }

  /** Emits a navigation event as Electron does before the page leaves; true if it may go on. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    const event = new StandInEvent();
    this.emit(kind, event, url);
    return !event.defaultPrevented;
  }

  /** A page's <webview> about to attach; true if it may. */
  attachWebview(params: Record<string, string>): boolean {
    const event = new StandInEvent();
    this.emit('will-attach-webview', event, { nodeIntegration: true, sandbox: false }, params);
    return !event.defaultPrevented;
  }
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: object) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: object) => boolean;
type DevicePermissionHandler = (details: object) => boolean;
type ProtocolHandler = (request: Request) => Response | Promise<Response>;
type IpcHandler = (event: object, ...args: unknown[]) => unknown;

export interface StandInOptions {
  isPackaged?: boolean;
  /** False: another copy of Strata is already running. */
  singleInstanceLock?: boolean;
}

/** Everything one run of the app did to Electron, and ways to act as Electron towards it. */
export type ElectronWorld = ReturnType<typeof createWorld>;

function createWorld(options: StandInOptions) {
  let ready = false;
  let markReady = () => {};
  const whenReady = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  /** The names of the calls main made, in order, with 'app ready' where the app became ready. */
  const calls: string[] = [];
  const requireReady = (what: string) => {
    if (!ready) throw new Error(`${what} can only be used after the app is ready`);
  };
  const requireNotReady = (what: string) => {
    if (ready) throw new Error(`${what} must be called before the app is ready`);
  };

  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? false,
    enableSandbox() {
      requireNotReady('app.enableSandbox()');
      calls.push('app.enableSandbox');
    },
    requestSingleInstanceLock() {
      calls.push('app.requestSingleInstanceLock');
      return options.singleInstanceLock ?? true;
    },
    quit() {
      calls.push('app.quit');
    },
    whenReady: () => whenReady,
    isReady: () => ready,
    getPath: (name: string) => `/stand-in/${name}`,
    getVersion: () => '0.0.0-test',
  });

  const createWebContents = (url = '') => {
    const contents = new StandInWebContents(url);
    app.emit('web-contents-created', new StandInEvent(), contents);
    return contents;
  };

  const windows: StandInBrowserWindow[] = [];
  class StandInBrowserWindow extends EventEmitter {
    static getAllWindows() {
      return windows.filter((window) => !window.destroyed);
    }
    readonly webContents: StandInWebContents;
    destroyed = false;

    constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
      requireReady('BrowserWindow');
      super();
      calls.push('new BrowserWindow');
      this.webContents = createWebContents();
      windows.push(this);
    }
    loadURL(url: string) {
      calls.push('window.loadURL');
      this.webContents.mainFrame.url = url;
      return Promise.resolve();
    }
    show() {}
    focus() {}
    restore() {}
    isMinimized() {
      return false;
    }
    isDestroyed() {
      return this.destroyed;
    }
    close() {
      this.destroyed = true;
      this.emit('closed');
    }
  }

  const sessionHandlers: {
    permissionRequest?: PermissionRequestHandler;
    permissionCheck?: PermissionCheckHandler;
    devicePermission?: DevicePermissionHandler;
  } = {};
  const defaultSession = Object.assign(new EventEmitter(), {
    setPermissionRequestHandler(handler: PermissionRequestHandler) {
      calls.push('session.setPermissionRequestHandler');
      sessionHandlers.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler: PermissionCheckHandler) {
      calls.push('session.setPermissionCheckHandler');
      sessionHandlers.permissionCheck = handler;
    },
    setDevicePermissionHandler(handler: DevicePermissionHandler) {
      calls.push('session.setDevicePermissionHandler');
      sessionHandlers.devicePermission = handler;
    },
    resolveProxy: () => Promise.resolve('DIRECT'),
  });

  const privilegedSchemes: Array<{ scheme: string; privileges?: Record<string, boolean> }> = [];
  const protocolHandlers = new Map<string, ProtocolHandler>();
  const protocol = {
    registerSchemesAsPrivileged(schemes: typeof privilegedSchemes) {
      requireNotReady('protocol.registerSchemesAsPrivileged()');
      calls.push('protocol.registerSchemesAsPrivileged');
      privilegedSchemes.push(...schemes);
    },
    handle(scheme: string, handler: ProtocolHandler) {
      requireReady('protocol.handle()');
      if (protocolHandlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
      calls.push('protocol.handle');
      protocolHandlers.set(scheme, handler);
    },
  };

  const net = {
    /** Electron's net.fetch, for the file: URLs the app protocol reads: the file from disk, or a network error. */
    async fetch(url: string) {
      const target = new URL(url);
      if (target.protocol !== 'file:') throw new Error(`the stand-in's net.fetch reads files only, not ${url}`);
      const body = await readFile(fileURLToPath(target)).catch(() => {
        throw new Error('net::ERR_FILE_NOT_FOUND');
      });
      return new Response(body, { status: 200 });
    },
  };

  const ipcHandlers = new Map<string, IpcHandler>();
  const ipcMain = Object.assign(new EventEmitter(), {
    handle(channel: string, handler: IpcHandler) {
      if (ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      ipcHandlers.set(channel, handler);
    },
  });

  const opened: string[] = [];
  const shell = {
    openExternal(url: string) {
      calls.push('shell.openExternal');
      opened.push(url);
      return Promise.resolve();
    },
    showItemInFolder() {},
  };

  const exposed: Record<string, unknown> = {};
  const invoked: Array<{ channel: string; input: unknown }> = [];
  const contextBridge = {
    exposeInMainWorld(key: string, api: unknown) {
      if (Object.hasOwn(exposed, key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
      exposed[key] = api;
    },
  };
  const ipcRenderer = Object.assign(new EventEmitter(), {
    invoke(channel: string, input: unknown) {
      invoked.push({ channel, input });
      return Promise.resolve({ ok: true, value: null });
    },
  });

  const powerMonitor = new EventEmitter();

  return {
    /** What main imports from 'electron'. */
    module: {
      app,
      BrowserWindow: StandInBrowserWindow,
      session: {
        get defaultSession() {
          requireReady('session.defaultSession');
          return defaultSession;
        },
      },
      protocol,
      net,
      ipcMain,
      shell,
      powerMonitor,
      nativeTheme: { shouldUseDarkColors: false },
      dialog: { showSaveDialog: () => Promise.resolve({ canceled: true }) },
      safeStorage: {
        isEncryptionAvailable: () => false,
        getSelectedStorageBackend: () => 'basic_text',
        encryptString: () => {
          throw new Error('no keychain in the stand-in');
        },
        decryptString: () => {
          throw new Error('no keychain in the stand-in');
        },
      },
      contextBridge,
      ipcRenderer,
    },
    app,
    calls,
    windows,
    sessionHandlers,
    privilegedSchemes,
    protocolHandlers,
    ipcHandlers,
    ipcMain,
    /** The URLs main handed to the system browser. */
    opened,
    /** What the preload put on `window`. */
    exposed,
    /** The requests the preload sent. */
    invoked,
    powerMonitor,
    /** The app becomes ready: `whenReady()` resolves, 'ready' is emitted. */
    becomeReady() {
      ready = true;
      calls.push('app ready');
      app.emit('ready');
      markReady();
    },
    /** Another web contents appears (devtools, a pop-up): it is announced like the window's. */
    createWebContents,
    /** A renderer's ipcRenderer.invoke(channel, input), from `frame` of `contents` (default: its main frame). */
    async invoke(channel: string, input: unknown, from: { contents: StandInWebContents; frame?: StandInFrame | null }) {
      const handler = ipcHandlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      const senderFrame = from.frame === undefined ? from.contents.mainFrame : from.frame;
      return handler({ sender: from.contents, senderFrame, processId: 1, frameId: 1 }, input);
    },
  };
}

let current: ElectronWorld = createWorld({});

/** Starts a fresh world behind the mocked module, and returns it. */
export function resetElectron(options: StandInOptions = {}): ElectronWorld {
  current = createWorld(options);
  return current;
}

type ElectronModule = ElectronWorld['module'];

/** The module to mock `electron` with: each export is the current world's. */
export const electron = {} as ElectronModule;
for (const key of Object.keys(current.module) as Array<keyof ElectronModule>) {
  Object.defineProperty(electron, key, { enumerable: true, get: () => current.module[key] });
}
