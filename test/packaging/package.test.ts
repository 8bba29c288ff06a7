/**
 * Packages Strata the way `npm run dist` does (electron-builder.yml, the
 * built bundles, production dependencies) into electron-builder's `dir`
 * target for Linux, macOS and Windows, and checks what would reach staff:
 * what is in app.asar, which Electron fuses are burnt into the binary, the
 * asar integrity hash, and the IT policy file.
 *
 * The Electron binary cannot be downloaded here, so electron-builder gets a
 * placeholder Electron distribution (`electronDist`) for each platform: the
 * files it edits (a shell script, an Electron.app skeleton, a minimal Windows
 * executable with a version resource), each holding Electron's fuse sentinel
 * and a fuse wire set to Electron's defaults, which electron-builder must
 * really flip. Where node_modules/electron/dist exists, a real build for this
 * machine is checked too.
 *
 * Everything happens in a temporary copy of the project, where electron-vite
 * builds the bundles afresh, so the repository's out/ is neither needed nor
 * touched (`npm test` runs this before anything else has built). Nothing is
 * downloaded or published.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, getRawHeader, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch, Platform, build } from 'electron-builder';
// resedit is what electron-builder itself edits Windows executables with (via app-builder-lib).
import { NtExecutable, NtExecutableResource, Resource } from 'resedit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
// js-yaml ships with electron-builder (and electron-updater) but has no type declarations.
const yaml = require('js-yaml') as { load(text: string): unknown };

/** app.asar may grow this far before the test asks whether something heavy slipped in (measured 12.9 MB, +25%). */
const ASAR_BUDGET_BYTES = 16 * 1024 * 1024;

/** The fuse policy Strata ships with, by electron-builder's option name. */
const FUSE_POLICY = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;
type FuseName = keyof typeof FUSE_POLICY;

const FUSE_INDEX: Record<FuseName, FuseV1Options> = {
  runAsNode: FuseV1Options.RunAsNode,
  enableCookieEncryption: FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: FuseV1Options.OnlyLoadAppFromAsar,
  loadBrowserProcessSpecificV8Snapshot: FuseV1Options.LoadBrowserProcessSpecificV8Snapshot,
  grantFileProtocolExtraPrivileges: FuseV1Options.GrantFileProtocolExtraPrivileges,
};

// @electron/fuses' wire format: sentinel, wire version, wire length, then one byte per fuse.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const DISABLED = 0x30; // '0'
const ENABLED = 0x31; // '1'
/** Electron's own defaults, in FuseV1Options order. Seven of Strata's eight settings differ, so a wire left as it came fails. */
const ELECTRON_DEFAULT_WIRE = [ENABLED, DISABLED, ENABLED, ENABLED, DISABLED, DISABLED, DISABLED, ENABLED];

/** Packages only a developer needs; none of them may reach an installer. */
const DEV_ONLY = ['electron', 'electron-builder', 'electron-vite', 'vite', 'vitest', 'typescript', 'react', 'react-dom', 'oidc-provider', '@playwright/test', 'playwright', 'esbuild', 'eslint', 'tsx'];

const POLICY = JSON.stringify({ settings: { region: 'eu-west-1' }, locked: ['region'] });

const fuseWire = (): Buffer => Buffer.concat([Buffer.from(SENTINEL, 'ascii'), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length, ...ELECTRON_DEFAULT_WIRE])]);

/** A placeholder for an Electron executable: a script that refuses to run, carrying the fuse wire. */
function placeholderBinary(): Buffer {
  return Buffer.concat([Buffer.from('#!/bin/sh\necho "Placeholder Electron for the packaging test; it does not run." >&2\nexit 1\n# '), fuseWire(), Buffer.from('\n')]);
}

function writeExecutable(file: string, data: Buffer | string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, data, { mode: 0o755 });
}

const plist = (entries: Record<string, string>): string =>
  '<?xml version="1.0" encoding="UTF-8"?>\n' +
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
  `<plist version="1.0"><dict>${Object.entries(entries)
    .map(([key, value]) => `<key>${key}</key><string>${value}</string>`)
    .join('')}</dict></plist>\n`;

/** What electron-builder reads from an unpacked Linux Electron: the executable, resources/, and the license it keeps. */
function linuxElectronDist(dir: string): string {
  writeExecutable(join(dir, 'electron'), placeholderBinary());
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'LICENSE'), 'Electron placeholder license\n');
  return dir;
}

/** An unpacked Electron.app with the parts electron-builder edits: Info.plists, the main and helper executables, the framework holding the fuses. */
function macElectronDist(dir: string): string {
  const contents = join(dir, 'Electron.app', 'Contents');
  mkdirSync(join(contents, 'Resources'), { recursive: true });
  writeFileSync(
    join(contents, 'Info.plist'),
    plist({ CFBundleExecutable: 'Electron', CFBundleIdentifier: 'com.github.Electron', CFBundleName: 'Electron', CFBundlePackageType: 'APPL' }),
  );
  writeExecutable(join(contents, 'MacOS', 'Electron'), placeholderBinary());
  writeExecutable(join(contents, 'Frameworks', 'Electron Framework.framework', 'Electron Framework'), placeholderBinary());
  const helper = join(contents, 'Frameworks', 'Electron Helper.app', 'Contents');
  writeExecutable(join(helper, 'MacOS', 'Electron Helper'), placeholderBinary());
  writeFileSync(join(helper, 'Info.plist'), plist({ CFBundleExecutable: 'Electron Helper', CFBundleIdentifier: 'com.github.Electron.helper' }));
  return dir;
}

/**
 * An unpacked Windows Electron: a minimal executable with the one-language version resource electron-builder
 * rewrites and adds the asar integrity resource beside, and the fuse wire after its last section.
 */
function windowsElectronDist(dir: string): string {
  const exe = NtExecutable.createEmpty();
  const resources = NtExecutableResource.from(exe);
  const version = Resource.VersionInfo.createEmpty();
  version.lang = US_ENGLISH.lang;
  version.setStringValues(US_ENGLISH, { ProductName: 'Electron', FileDescription: 'Electron' });
  version.outputToResourceEntries(resources.entries);
  resources.outputResource(exe);
  exe.setExtraData(fuseWire());
  mkdirSync(join(dir, 'resources'), { recursive: true });
  writeFileSync(join(dir, 'electron.exe'), Buffer.from(exe.generate()));
  return dir;
}

const US_ENGLISH = { lang: 1033, codepage: 1200 };

/** The resources of a Windows executable. */
const windowsResources = (file: string) => NtExecutableResource.from(NtExecutable.from(readFileSync(file))).entries;

/**
 * A copy of the working tree (sources, tests, sandbox, scripts and all, so a
 * careless `files:` pattern would pick them up) with node_modules linked in,
 * built the way `npm run dist` builds it.
 */
function stageProject(dir: string): void {
  const listed = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) throw new Error(`The packaging test copies the project's files as git lists them; git failed:\n${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    if (file.startsWith('.ci/') || !existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(root, file), join(dir, file));
  }
  writeFileSync(join(dir, 'resources', 'policy.json'), POLICY);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'junction');
  const vite = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'error'], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (vite.status !== 0) throw new Error(`electron-vite build failed:\n${vite.stdout}\n${vite.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Every package reachable from package.json's dependencies, resolved the way Node does. */
function productionPackageNames(projectDir: string): Set<string> {
  const names = new Set<string>();
  const visited = new Set<string>();
  const locate = (from: string, name: string): string | null => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(candidate)) return dirname(realpathSync(candidate));
      if (dir === projectDir || dirname(dir) === dir) return null;
    }
  };
  const visit = (from: string, name: string, optional: boolean): void => {
    const dir = locate(from, name);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} (needed from ${from}) is not installed`);
    }
    names.add(name);
    if (visited.has(dir)) return;
    visited.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dir, dep, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dir, dep, true);
  };
  const project = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of Object.keys(project.dependencies)) visit(projectDir, dep, false);
  return names;
}

/** Package names found under any node_modules/ in the archive's listing. */
function packagedPackageNames(entries: string[]): Set<string> {
  const names = new Set<string>();
  for (const entry of entries) {
    const parts = entry.split('/');
    parts.forEach((part, i) => {
      if (part !== 'node_modules' || !parts[i + 1]) return;
      const first = parts[i + 1]!;
      if (first.startsWith('@')) {
        if (parts[i + 2]) names.add(`${first}/${parts[i + 2]}`);
      } else {
        names.add(first);
      }
    });
  }
  return names;
}

const wireOf = async (binary: string): Promise<Record<number, number>> => (await getCurrentFuseWire(binary)) as unknown as Record<number, number>;

function expectPolicyWire(wire: Record<number, number>): void {
  for (const [name, on] of Object.entries(FUSE_POLICY) as [FuseName, boolean][]) {
    expect({ fuse: name, state: wire[FUSE_INDEX[name]] }).toEqual({ fuse: name, state: on ? ENABLED : DISABLED });
  }
}

// Created in beforeAll and removed in afterAll, so a filtered or skipped run leaves nothing behind.
const workDir = join(tmpdir(), `strata-packaging-${randomUUID()}`);
const projectDir = join(workDir, 'project');
const outputDir = join(workDir, 'dist');
const linuxApp = join(outputDir, 'linux-unpacked');
const macApp = join(outputDir, 'mac', 'Strata.app');
const windowsApp = join(outputDir, 'win-unpacked');
const linuxAsar = join(linuxApp, 'resources', 'app.asar');
const macAsar = join(macApp, 'Contents', 'Resources', 'app.asar');
const windowsAsar = join(windowsApp, 'resources', 'app.asar');
const headerHash = (asar: string): string => createHash('sha256').update(getRawHeader(asar).headerString).digest('hex');

describe('packaged app (electron-builder dir target, placeholder Electron)', () => {
  let entries: string[] = [];

  beforeAll(async () => {
    const started = Date.now();
    mkdirSync(workDir);
    stageProject(projectDir);
    const dists: Record<string, string> = {
      linux: linuxElectronDist(join(workDir, 'electron-linux')),
      darwin: macElectronDist(join(workDir, 'electron-mac')),
      win32: windowsElectronDist(join(workDir, 'electron-win')),
    };
    await build({
      projectDir,
      publish: 'never',
      targets: new Map([
        ...Platform.LINUX.createTarget('dir', Arch.x64),
        ...Platform.MAC.createTarget('dir', Arch.x64),
        ...Platform.WINDOWS.createTarget('dir', Arch.x64),
      ]),
      config: {
        directories: { output: outputDir },
        electronDist: (context) => dists[context.platformName]!,
        // On a Mac, electron-builder would otherwise try to sign (and notarize) the placeholder.
        mac: { identity: null, notarize: false },
      },
    });
    entries = listPackage(linuxAsar, { isPack: false }).map((entry) => entry.split(/[\\/]/).filter(Boolean).join('/'));
    console.log(`packaging test: staged, built and packaged for Linux, macOS and Windows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }, 180_000);

  afterAll(() => rmSync(workDir, { recursive: true, force: true }));

  it('ships the built main, preload and renderer and package.json, and nothing else of the project', () => {
    const built = filesUnder(join(projectDir, 'out')).map((file) => `out/${file}`);
    expect(built).toEqual(expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']));
    const packagedOut = entries.filter((entry) => entry.startsWith('out/') && !('files' in statFile(linuxAsar, entry)));
    expect(packagedOut.sort()).toEqual(built.sort());
    expect(extractFile(linuxAsar, 'out/main/index.js').equals(readFileSync(join(projectDir, 'out', 'main', 'index.js')))).toBe(true);

    const topLevel = new Set(entries.map((entry) => entry.split('/')[0]));
    expect([...topLevel].sort()).toEqual(['node_modules', 'out', 'package.json']);
    const manifest = JSON.parse(extractFile(linuxAsar, 'package.json').toString('utf8')) as { main: string };
    expect(entries).toContain(manifest.main);
  });

  it('holds no sources, tests, sandbox or source maps', () => {
    expect(entries.filter((entry) => /\.(ts|tsx|mts|cts|map)$/.test(entry))).toEqual([]);
    const project = entries.filter((entry) => !entry.startsWith('node_modules/'));
    expect(project.filter((entry) => /(^|\/)(main|preload|renderer|test|sandbox|scripts|resources)\//.test(entry) && !entry.startsWith('out/'))).toEqual([]);
  });

  it('holds the production dependencies and no development-only package', () => {
    const packaged = packagedPackageNames(entries);
    const production = productionPackageNames(projectDir);
    const manifest = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).filter((dep) => !packaged.has(dep))).toEqual([]);
    expect([...packaged].filter((name) => !production.has(name))).toEqual([]);
    expect(DEV_ONLY.filter((name) => packaged.has(name))).toEqual([]);
  });

  it('keeps app.asar within its size budget', () => {
    const size = statSync(linuxAsar).size;
    console.log(`packaging test: app.asar is ${(size / 1024 / 1024).toFixed(2)} MB (budget ${(ASAR_BUDGET_BYTES / 1024 / 1024).toFixed(0)} MB)`);
    expect(size).toBeLessThan(ASAR_BUDGET_BYTES);
  });

  it('configures the fuse policy in electron-builder.yml', () => {
    const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as { electronFuses?: unknown };
    expect(config.electronFuses).toEqual(FUSE_POLICY);
  });

  it('burns the fuse policy into the packaged Linux, macOS and Windows binaries', async () => {
    // The placeholders start with Electron's defaults, so an unflipped wire fails here.
    expect(await wireOf(join(workDir, 'electron-linux', 'electron'))).toMatchObject({ [FuseV1Options.RunAsNode]: ENABLED });
    expectPolicyWire(await wireOf(join(linuxApp, 'strata')));
    expectPolicyWire(await wireOf(macApp));
    expectPolicyWire(await wireOf(join(windowsApp, 'Strata.exe')));
  });

  it('records the app.asar header hash where Electron checks it: Info.plist on macOS, an .exe resource on Windows', () => {
    // Electron validates asar integrity on macOS and Windows only; on Linux electron-builder records nothing.
    const info = readFileSync(join(macApp, 'Contents', 'Info.plist'), 'utf8');
    const recorded = /<key>ElectronAsarIntegrity<\/key>\s*<dict>\s*<key>Resources\/app\.asar<\/key>\s*<dict>\s*<key>algorithm<\/key>\s*<string>SHA256<\/string>\s*<key>hash<\/key>\s*<string>([0-9a-f]{64})<\/string>/.exec(info);
    expect(recorded?.[1]).toBe(headerHash(macAsar));

    const integrity = windowsResources(join(windowsApp, 'Strata.exe')).find((entry) => entry.type === 'INTEGRITY' && entry.id === 'ELECTRONASAR');
    expect(JSON.parse(Buffer.from(integrity!.bin).toString('utf8'))).toEqual([{ file: 'resources\\app.asar', alg: 'SHA256', value: headerHash(windowsAsar) }]);
  });

  it('names the Windows executable Strata and gives it the Strata icon', () => {
    const entries = windowsResources(join(windowsApp, 'Strata.exe'));
    const [version] = Resource.VersionInfo.fromEntries(entries);
    expect(version!.getStringValues(US_ENGLISH)).toMatchObject({ ProductName: 'Strata', FileDescription: 'Strata' });
    const RT_ICON = 3;
    const iconSizes = entries.filter((entry) => entry.type === RT_ICON).map((entry) => entry.bin.byteLength);
    const ico = readFileSync(join(root, 'resources', 'icon.ico'));
    expect(iconSizes).toEqual(Array.from({ length: ico.readUInt16LE(4) }, (_, i) => ico.readUInt32LE(6 + 16 * i + 8)));
  });

  it('ships an IT policy.json beside app.asar, outside the archive', () => {
    expect(readFileSync(join(linuxApp, 'resources', 'policy.json'), 'utf8')).toBe(POLICY);
    expect(readFileSync(join(macApp, 'Contents', 'Resources', 'policy.json'), 'utf8')).toBe(POLICY);
    expect(readFileSync(join(windowsApp, 'resources', 'policy.json'), 'utf8')).toBe(POLICY);
    expect(existsSync(join(linuxApp, 'resources', 'policy.example.json'))).toBe(false);
    expect(entries.some((entry) => entry.endsWith('policy.json'))).toBe(false);
  });
});

const realDist = join(root, 'node_modules', 'electron', 'dist');
const realBinary = { linux: 'electron', darwin: 'Electron.app', win32: 'electron.exe' }[process.platform as string];
const hasRealElectron = realBinary !== undefined && existsSync(join(realDist, realBinary));

describe('packaged app with the real Electron binary', () => {
  it.skipIf(!hasRealElectron)(
    hasRealElectron ? 'burns the fuse policy into the real Electron binary' : `burns the fuse policy into the real Electron binary (skipped: ${relative(root, join(realDist, realBinary ?? 'electron'))} is not installed)`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'strata-packaging-real-'));
      try {
        stageProject(join(dir, 'project'));
        const output = join(dir, 'dist');
        await build({
          projectDir: join(dir, 'project'),
          publish: 'never',
          targets: Platform.current().createTarget('dir', Arch[process.arch as keyof typeof Arch] as Arch),
          config: { directories: { output }, electronDist: realDist, mac: { identity: null, notarize: false } },
        });
        const unpacked = readdirSync(output).find((name) => name.endsWith('-unpacked') || name.startsWith('mac'));
        const app = join(output, unpacked!, { linux: 'strata', darwin: 'Strata.app', win32: 'Strata.exe' }[process.platform as string]!);
        expectPolicyWire(await wireOf(app));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
