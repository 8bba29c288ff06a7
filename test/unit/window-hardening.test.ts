/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security),
 * checked on main's own start-up code without the Electron binary: main/index.ts,
 * the window, the strata:// protocol, IPC and the preload run against a
 * recording stand-in for `electron` (./electron-stand-in.ts), and the tests
 * act as Electron and as a hostile page towards them. The README's Security
 * table names the test for each item.
 */
import * as fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_URL, CONTENT_SECURITY_POLICY } from '../../main/app/app-files';
import { EventHub } from '../../main/app/events';
import type * as ServicesModule from '../../main/app/services';
import type { Platform } from '../../main/app/services';
import { serveApp } from '../../main/app-protocol';
import { contract, EVENT_CHANNELS, requests, type EventPayload } from '../../preload/contract';
import { nodePlatform } from '../harness/node-platform';
import { StandInFrame, type StandInOptions } from './electron-stand-in';

const { electron, resetElectron } = await vi.hoisted(() => import('./electron-stand-in'));
/** The services main/index.ts created in the current launch. */
const held = vi.hoisted(() => ({ services: undefined as ReturnType<typeof fakeServices> | undefined }));

vi.mock('electron', () => electron);
vi.mock('electron-store', () => ({ default: class ElectronStore {} }));
// electron-log/main loads the real Electron; the log is not under test here.
vi.mock('../../main/platform/logging', () => ({
  createAppLogger: () => ({ log: () => {}, level: 'info', files: () => [] }),
}));
// index.ts's wiring is under test here, not the services: each channel's handler only records that it ran.
vi.mock('../../main/app/services', () => ({
  createServices: (platform: Platform) => (held.services = fakeServices(platform)),
}));

const ISSUER = 'https://login.example.com/oauth2';
const channels = Object.keys(requests);

function fakeServices(platform: Platform) {
  return {
    platform,
    handlers: Object.fromEntries(channels.map((channel) => [channel, vi.fn(() => null)])),
    events: new EventHub(),
    settings: { trustedIssuer: () => ISSUER },
    start: vi.fn(() => Promise.resolve()),
    wake: vi.fn(),
    dispose: vi.fn(),
  };
}

/** Loads main/index.ts on a fresh stand-in, makes the app ready and waits for start-up to finish. */
async function launch(options: StandInOptions & { devServer?: string } = {}) {
  const world = resetElectron(options);
  if (options.devServer) process.env.ELECTRON_RENDERER_URL = options.devServer;
  else delete process.env.ELECTRON_RENDERER_URL;
  held.services = undefined;
  vi.resetModules();
  await import('../../main/index');
  world.becomeReady();
  await vi.waitFor(() => expect(held.services?.start).toHaveBeenCalled());
  const window = world.windows[0]!;
  return { world, services: held.services!, window, contents: window.webContents };
}

const rendererUrl = process.env.ELECTRON_RENDERER_URL;
beforeAll(() => {
  // Electron sets it; the bundled IT policy is looked for there.
  Object.defineProperty(process, 'resourcesPath', { value: '/opt/Strata/resources', configurable: true });
});
afterAll(() => {
  Reflect.deleteProperty(process, 'resourcesPath');
});
afterEach(() => {
  if (rendererUrl === undefined) delete process.env.ELECTRON_RENDERER_URL;
  else process.env.ELECTRON_RENDERER_URL = rendererUrl;
});

describe('start-up (main/index.ts)', () => {
  it('turns on the sandbox for every renderer and registers strata:// as a secure scheme before the app is ready', async () => {
    const world = resetElectron({ isPackaged: true });
    held.services = undefined;
    vi.resetModules();
    await import('../../main/index');
    // The stand-in throws, as Electron does, if either comes after the app is ready.
    expect(world.calls).toEqual(['app.enableSandbox', 'protocol.registerSchemesAsPrivileged', 'app.requestSingleInstanceLock']);
    // Standard and secure only: not allowed to bypass the page's policy, no service workers, no CORS exemptions.
    expect(world.privilegedSchemes).toEqual([{ scheme: 'strata', privileges: { standard: true, secure: true } }]);
    expect(held.services).toBeUndefined();

    world.becomeReady();
    await vi.waitFor(() => expect(held.services?.start).toHaveBeenCalled());
    // Every web contents is hardened before the first window exists.
    expect(world.calls.indexOf('session.setPermissionRequestHandler')).toBeLessThan(world.calls.indexOf('new BrowserWindow'));
    expect(world.windows).toHaveLength(1);
    expect(world.windows[0]!.webContents.windowOpenHandler).toBeDefined();
  });

  it('a packaged app loads its own files from strata://app/, never the development server', async () => {
    const { world, contents, window } = await launch({ isPackaged: true, devServer: 'http://localhost:5173/' });
    expect(contents.getURL()).toBe(APP_URL);
    expect([...world.protocolHandlers.keys()]).toEqual(['strata']);
    expect(window.options.webPreferences?.devTools).toBe(false);
    // Nor does it answer a page the development server would serve.
    const devPage = world.createWebContents('http://localhost:5173/');
    expect(await world.invoke('auth:get-status', undefined, { contents: devPage })).toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
  });

  it('from source, the development server is loaded and trusted, with devtools', async () => {
    const { world, contents, window, services } = await launch({ isPackaged: false, devServer: 'http://localhost:5173/' });
    expect(contents.getURL()).toBe('http://localhost:5173/');
    expect(world.protocolHandlers.size).toBe(0);
    expect(window.options.webPreferences?.devTools).toBe(true);
    expect(await world.invoke('auth:get-status', undefined, { contents })).toEqual({ ok: true, value: null });
    expect(services.handlers['auth:get-status']).toHaveBeenCalledOnce();
    const otherPort = world.createWebContents('http://localhost:5174/');
    expect(await world.invoke('auth:get-status', undefined, { contents: otherPort })).toMatchObject({ ok: false });

    const { contents: fromSource } = await launch({ isPackaged: false });
    expect(fromSource.getURL()).toBe(APP_URL);
  });

  it('renews the credentials in use when the computer wakes', async () => {
    const { world, services } = await launch({ isPackaged: true });
    expect(services.wake).not.toHaveBeenCalled();
    world.powerMonitor.emit('resume');
    expect(services.wake).toHaveBeenCalledOnce();
  });
});

describe('the window', () => {
  it('is sandboxed and context-isolated, with no Node, web security on, and no insecure or experimental features', async () => {
    const { window } = await launch({ isPackaged: true });
    const preferences = window.options.webPreferences!;
    expect(preferences).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      devTools: false,
    });
    expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    // The bundled preload, by absolute path: the only code with Electron APIs the page can reach.
    expect(path.isAbsolute(preferences.preload as string)).toBe(true);
    expect(preferences.preload).toMatch(/[/\\]preload[/\\]index\.cjs$/);
  });
});

describe('every web contents', () => {
  const allowed = [
    ['https://docs.aws.amazon.com/bedrock/latest/userguide/', 'https://docs.aws.amazon.com/bedrock/latest/userguide/'],
    ['https://login.example.com/account', 'https://login.example.com/account'],
    // What the browser gets is what the allow-list checked, not the page's text, which an OS handler may read differently.
    ['https://docs.aws.amazon.com\\@evil.example/', 'https://docs.aws.amazon.com/@evil.example/'],
    ['  HTTPS://Docs.AWS.Amazon.com/bedrock/../guide now\n', 'https://docs.aws.amazon.com/guide%20now'],
  ];
  const refused = [
    'javascript:alert(document.cookie)',
    'file:///etc/passwd',
    'smb://attacker.example/share/setup.exe',
    'data:text/html,<script>alert(1)</script>',
    'https://user:secret@docs.aws.amazon.com/',
    'https://:secret@docs.aws.amazon.com/',
    'http://docs.aws.amazon.com/',
    'https://docs.aws.amazon.com.evil.example/',
    'https://docs.aws.amazon.com:8443/',
    'strata://app/index.html',
    'not a url',
  ];

  it('opens no new window: an allowed link goes to the browser as its normalized address, anything else nowhere', async () => {
    const { world, contents } = await launch({ isPackaged: true });
    for (const [link, normalized] of allowed) {
      expect(contents.openWindow(link!)).toEqual({ action: 'deny' });
      expect(world.opened.at(-1)).toBe(normalized);
    }
    world.opened.length = 0;
    for (const link of refused) expect(contents.openWindow(link)).toEqual({ action: 'deny' });
    expect(world.opened).toEqual([]);
  });

  it('never navigates away from the page it loaded, follows no redirect and attaches no <webview>', async () => {
    const { contents } = await launch({ isPackaged: true });
    for (const url of ['https://evil.example/', 'strata://app/other.html', 'file:///etc/passwd', 'http://localhost:5173/']) {
      expect(contents.navigate('will-navigate', url), url).toBe(false);
    }
    // Reloading the page itself is no navigation away.
    expect(contents.navigate('will-navigate', APP_URL)).toBe(true);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(false);
    expect(contents.navigate('will-redirect', APP_URL)).toBe(false);
    expect(contents.attachWebview({ src: 'https://evil.example/', allowpopups: 'true' })).toBe(false);
  });

  it('hardens every web contents created later, not only the window', async () => {
    const { world } = await launch({ isPackaged: true });
    const later = world.createWebContents('devtools://devtools/bundled/devtools_app.html');
    expect(later.openWindow('https://docs.aws.amazon.com/')).toEqual({ action: 'deny' });
    expect(later.openWindow('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(world.opened).toEqual(['https://docs.aws.amazon.com/']);
    expect(later.navigate('will-navigate', 'https://evil.example/')).toBe(false);
    expect(later.navigate('will-redirect', 'https://evil.example/')).toBe(false);
    expect(later.attachWebview({ src: 'https://evil.example/' })).toBe(false);
  });

  it('grants no permission and no device: every request refused, every check false', async () => {
    const { world, contents } = await launch({ isPackaged: true });
    const { permissionRequest, permissionCheck, devicePermission } = world.sessionHandlers;
    expect(permissionRequest && permissionCheck && devicePermission).toBeTypeOf('function');
    const permissions = ['media', 'display-capture', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen', 'openExternal', 'hid', 'serial', 'usb', 'unknown'];
    for (const permission of permissions) {
      const callback = vi.fn();
      permissionRequest!(contents, permission, callback, { requestingUrl: APP_URL, isMainFrame: true });
      expect(callback, permission).toHaveBeenCalledExactlyOnceWith(false);
      expect(permissionCheck!(contents, permission, 'strata://app', { requestingUrl: APP_URL }), permission).toBe(false);
    }
    for (const deviceType of ['hid', 'serial', 'usb']) {
      expect(devicePermission!({ deviceType, origin: 'strata://app', device: {} }), deviceType).toBe(false);
    }
  });
});

describe('strata://app/', () => {
  let base: string;
  let root: string;
  const files: Record<string, [content: string, type: string]> = {
    'index.html': ['<!doctype html><title>Strata</title>', 'text/html; charset=utf-8'],
    'assets/index-abc.js': ['console.log("Strata")', 'text/javascript; charset=utf-8'],
    'assets/index-abc.css': ['body { margin: 0 }', 'text/css; charset=utf-8'],
    'assets/logo.svg': ['<svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
  };
  const SECRET = '{"refreshToken":"do-not-serve"}';

  beforeAll(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-protocol-'));
    root = path.join(base, 'renderer');
    for (const [name, [content]] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
    // Files a wrong path check would reach: beside the folder, and in a folder whose name starts like it.
    fs.writeFileSync(path.join(base, 'secret.json'), SECRET);
    fs.mkdirSync(path.join(base, 'renderer-old'));
    fs.writeFileSync(path.join(base, 'renderer-old', 'secret.json'), SECRET);
  });
  afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

  const serve = (url: string, init?: RequestInit) => {
    const world = resetElectron({ isPackaged: true });
    world.becomeReady();
    serveApp(root);
    return Promise.resolve(world.protocolHandlers.get('strata')!(new Request(url, init)));
  };

  it('serves each file of the renderer folder with its type, nosniff and the Content-Security-Policy', async () => {
    for (const [name, [content, type]] of Object.entries(files)) {
      const response = await serve(`strata://app/${name}`);
      expect(response.status, name).toBe(200);
      expect(await response.text()).toBe(content);
      expect(response.headers.get('Content-Type')).toBe(type);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(response.headers.get('Content-Security-Policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect(await (await serve('strata://app/')).text()).toBe(files['index.html']![0]);
  });

  it("the page's policy allows only Strata's own scripts and styles: no inline or eval'd code, no plugins, no framing, no network", async () => {
    const header = (await serve(APP_URL)).headers.get('Content-Security-Policy')!;
    const policy = new Map(
      header.split(';').map((directive) => {
        const [name, ...sources] = directive.trim().split(/\s+/);
        return [name!, sources];
      }),
    );
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    // Not named: they fall back to default-src, which allows nothing.
    for (const directive of ['object-src', 'frame-src', 'child-src', 'worker-src']) {
      expect(policy.get(directive) ?? policy.get('default-src'), directive).toEqual(["'none'"]);
    }
    expect(policy.get('connect-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
    expect(policy.get('form-action')).toEqual(["'none'"]);
    const everySource = [...policy.values()].flat();
    for (const loose of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'http:', 'https:', 'blob:']) {
      expect(everySource, loose).not.toContain(loose);
    }
  });

  it('answers 404, and never a file outside the folder, to traversal, absolute paths, other hosts and other methods', async () => {
    const secret = path.join(base, 'secret.json');
    for (const url of [
      'strata://app/..%2fsecret.json',
      'strata://app/%2e%2e%2fsecret.json',
      'strata://app/assets/..%2f..%2fsecret.json',
      'strata://app/..%2frenderer-old%2fsecret.json',
      `strata://app/${encodeURIComponent(secret)}`,
      `strata://app/${secret}`,
      'strata://app/index.html%00.js',
      'strata://app/assets',
      'strata://app/missing.js',
      'strata://other/index.html',
      `strata://other/${encodeURIComponent(secret)}`,
    ]) {
      const response = await serve(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('do-not-serve');
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']) {
      const response = await serve(APP_URL, { method, ...(method === 'POST' || method === 'PUT' ? { body: 'x' } : {}) });
      expect(response.status, method).toBe(404);
    }
  });
});

describe('IPC', () => {
  it('registers every contract channel, and only as a request through the sender check', async () => {
    const { world, contents, services } = await launch({ isPackaged: true });
    expect([...world.ipcHandlers.keys()].sort()).toEqual([...channels].sort());
    expect(world.ipcMain.eventNames()).toEqual([]);
    expect(await world.invoke('auth:get-status', undefined, { contents })).toEqual({ ok: true, value: null });
    expect(services.handlers['auth:get-status']).toHaveBeenCalledOnce();
  });

  it('refuses a request on any channel from anyone but the main frame of the Strata page, before its handler runs', async () => {
    const { world, contents, services } = await launch({ isPackaged: true });
    const senders = {
      'another site': { contents: world.createWebContents('https://evil.example/') },
      'a frame inside the Strata window': { contents, frame: new StandInFrame(APP_URL) },
      devtools: { contents: world.createWebContents('devtools://devtools/bundled/devtools_app.html') },
      'a file: page': { contents: world.createWebContents('file:///opt/Strata/resources/app.asar/out/renderer/index.html') },
      'another strata:// host': { contents: world.createWebContents('strata://evil/index.html') },
      'a frame already gone': { contents, frame: null },
    };
    for (const [who, sender] of Object.entries(senders)) {
      for (const channel of channels) {
        expect(await world.invoke(channel, undefined, sender), `${channel} from ${who}`).toMatchObject({
          ok: false,
          error: { code: 'forbidden-sender' },
        });
      }
    }
    for (const channel of channels) expect(services.handlers[channel], channel).not.toHaveBeenCalled();
  });

  it('sends events to the Strata window only', async () => {
    const { world, contents, services } = await launch({ isPackaged: true });
    const devtools = world.createWebContents('devtools://devtools/bundled/devtools_app.html');
    const channel = EVENT_CHANNELS[0]!;
    services.events.emit(channel, { probe: true } as unknown as EventPayload<typeof channel>);
    expect(contents.sent).toEqual([{ channel, payload: { probe: true } }]);
    expect(devtools.sent).toEqual([]);
  });
});

describe('the preload', () => {
  it('gives the page window.strata and nothing else: a function per declared request and event, never a channel of its choosing', async () => {
    const world = resetElectron();
    vi.resetModules();
    await import('../../preload/index');
    expect(Object.keys(world.exposed)).toEqual(['strata']);
    const api = world.exposed.strata as Record<string, Record<string, (arg?: unknown) => unknown>>;
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.keys(api).sort()).toEqual(Object.keys(contract).sort());
    const { ipcRenderer } = world.module;
    for (const [feature, specs] of Object.entries(contract)) {
      const functions = api[feature]!;
      expect(Object.isFrozen(functions)).toBe(true);
      expect(Object.keys(functions).sort()).toEqual(Object.keys(specs).sort());
      for (const [name, spec] of Object.entries(specs)) {
        const call = functions[name]!;
        expect([ipcRenderer, ipcRenderer.invoke, ipcRenderer.on, ipcRenderer.emit]).not.toContain(call);
        if (spec.kind === 'request') {
          // A channel name passed in is only data for the declared channel.
          await call('fs:read');
          expect(world.invoked.at(-1)).toEqual({ channel: spec.channel, input: 'fs:read' });
        } else {
          const unsubscribe = call(() => {}) as () => void;
          expect(ipcRenderer.listenerCount(spec.channel)).toBe(1);
          unsubscribe();
          expect(ipcRenderer.listenerCount(spec.channel)).toBe(0);
        }
      }
    }
  });
});

describe('a link in a chat answer (app:open-external)', () => {
  it('reaches the browser only as the normalized address from the allow-list', async () => {
    const { createServices } = await vi.importActual<typeof ServicesModule>('../../main/app/services');
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-links-'));
    const opened: string[] = [];
    const services = createServices(nodePlatform({ env: {}, userDataDir, keychainKey: null, onOpenExternal: (url) => opened.push(url) }));
    try {
      const open = services.handlers['app:open-external'];
      await open({ url: 'https://docs.aws.amazon.com\\@evil.example/' });
      expect(opened).toEqual(['https://docs.aws.amazon.com/@evil.example/']);
      for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'smb://attacker.example/share', 'https://user:pw@docs.aws.amazon.com/']) {
        await expect(open({ url }), url).rejects.toMatchObject({ code: 'link-not-allowed' });
      }
      expect(opened).toHaveLength(1);
    } finally {
      services.dispose();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
