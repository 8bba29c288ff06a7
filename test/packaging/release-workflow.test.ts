/**
 * The release workflow cannot run here (it needs macOS, Windows and Linux
 * runners and the signing secrets), so this reads it as data: it must parse,
 * run on version tags only, test before it builds, and hand each platform's
 * build every variable that scripts/signing.ts needs to call it signed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BuildPlatform, unsignedReasons } from '../../scripts/signing';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// js-yaml ships with electron-builder (and electron-updater) but has no type declarations.
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: { push: { tags: string[] } };
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; env: Record<string, string>; strategy: { matrix: { include: { os: string }[] } }; steps: Step[] }>;
}

const workflow = yaml.load(readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')) as Workflow;
const job = Object.values(workflow.jobs)[0]!;
const steps = job.steps;
const indexOf = (run: string): number => steps.findIndex((step) => step.run?.trim().startsWith(run));
const buildStep = (os: string): Step => steps.find((step) => step.if === `runner.os == '${os}'` && step.run?.includes('npm run dist'))!;

/** The variables a step's build sees: its env, plus any it exports itself before building. */
function buildEnv(step: Step, only?: RegExp): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.keys(step.env ?? {})) if (!only || only.test(name)) env[name] = 'set';
  for (const [, name] of step.run!.matchAll(/export (\w+)=/g)) env[name!] = 'set';
  return env;
}

describe('release workflow', () => {
  it('runs on version tags, on macOS, Windows and Linux, with Node 24', () => {
    expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
    expect(workflow.permissions.contents).toBe('write');
    expect(job['runs-on']).toBe('${{ matrix.os }}');
    const systems = job.strategy.matrix.include.map(({ os }) => os.split('-')[0]);
    expect(systems.sort()).toEqual(['macos', 'ubuntu', 'windows']);
    expect(steps.find((step) => step.uses === 'actions/setup-node@v4')?.with?.['node-version']).toBe(24);
  });

  it('installs with npm ci, then typechecks and runs the unit tests before building anything', () => {
    const install = indexOf('npm ci');
    const typecheck = indexOf('npm run typecheck');
    const unit = indexOf('npm run test:unit');
    const firstBuild = steps.findIndex((step) => step.run?.includes('npm run dist'));
    expect(install).toBeGreaterThan(-1);
    expect([install < typecheck, typecheck < unit, unit < firstBuild]).toEqual([true, true, true]);
  });

  it('publishes every platform to one draft release and refuses unsigned macOS and Windows builds', () => {
    expect(job.env.PUBLISH).toMatch(/--publish always/);
    expect(job.env.PUBLISH).toMatch(/--config\.publish\.releaseType=draft/);
    for (const os of ['macOS', 'Windows', 'Linux']) {
      expect(buildStep(os).run).toMatch(/\$PUBLISH/);
      expect(buildStep(os).env?.GH_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    }
    expect(buildStep('macOS').run).toMatch(/--require-signing --mac/);
    expect(buildStep('Windows').run).toMatch(/--require-signing --win/);
  });

  it('maps the secrets each platform needs to be signed (and notarized on macOS)', () => {
    const check = (platform: BuildPlatform, env: Record<string, string>) => unsignedReasons(platform, env);
    expect(check('mac', buildEnv(buildStep('macOS')))).toEqual([]);
    // Windows: either a certificate file or Azure Trusted Signing must be complete on its own.
    expect(check('win', buildEnv(buildStep('Windows'), /^WIN_CSC_/))).toEqual([]);
    expect(check('win', buildEnv(buildStep('Windows'), /^AZURE_/))).toEqual([]);
    for (const step of [buildStep('macOS'), buildStep('Windows')]) {
      for (const [name, value] of Object.entries(step.env ?? {})) expect({ name, value }).toEqual({ name, value: expect.stringMatching(/^\$\{\{ secrets\.\w+ \}\}$/) });
    }
  });
});
