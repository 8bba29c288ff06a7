/**
 * Builds Strata's installers with electron-builder (config: electron-builder.yml).
 * Arguments are passed on unchanged (`npm run dist -- --win --publish always`).
 * Before and after the build it says loudly when the installers will not be
 * signed, and it turns on Azure Trusted Signing when AZURE_SIGNING_* is set.
 * With --require-signing (used by the release workflow) an unsigned build
 * stops before it starts.
 *
 * Run: node --import tsx scripts/dist.ts [--require-signing] [electron-builder arguments]
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { azureSignOptions, requestedPlatforms, unsignedWarning } from './signing';

const requireSigning = process.argv.includes('--require-signing');
const args = process.argv.slice(2).filter((arg) => arg !== '--require-signing');
const platforms = requestedPlatforms(args, process.platform);

let azure: Record<string, string> | null;
try {
  azure = platforms.includes('win') ? azureSignOptions(process.env) : null;
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
// azureSignOptions has no ${env.X} expansion in electron-builder, so the values go in as config flags.
// None of them is a secret; the service principal's secret stays in AZURE_CLIENT_SECRET.
const azureArgs = Object.entries(azure ?? {}).map(([option, value]) => `--config.win.azureSignOptions.${option}=${value}`);

const warning = unsignedWarning(platforms, process.env);
if (warning) console.warn(`\n${warning}\n`);
if (warning && requireSigning) {
  console.error('Stopped: --require-signing was given and the signing variables above are missing.');
  process.exit(1);
}

const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
const result = spawnSync(process.execPath, [cli, ...args, ...azureArgs], { stdio: 'inherit' });

// Repeated at the end, where it cannot scroll out of sight.
if (warning) console.warn(`\n${warning}\n`);
process.exit(result.status ?? 1);
