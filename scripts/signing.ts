/**
 * What an installer build will be signed with, worked out from the
 * environment only: signing material never lives in the repository.
 * scripts/dist.ts uses this to warn about unsigned builds and to switch on
 * Azure Trusted Signing.
 */

export type Env = Record<string, string | undefined>;
export type BuildPlatform = 'mac' | 'win' | 'linux';

/**
 * Azure Trusted Signing: electron-builder's required `win.azureSignOptions`
 * (the publisher name is the certificate's subject, e.g. "CN=Example Ltd, O=Example Ltd"),
 * and the service principal allowed to use the account.
 */
const AZURE_OPTIONS = {
  endpoint: 'AZURE_SIGNING_ENDPOINT',
  codeSigningAccountName: 'AZURE_SIGNING_ACCOUNT',
  certificateProfileName: 'AZURE_SIGNING_PROFILE',
  publisherName: 'AZURE_SIGNING_PUBLISHER',
} as const;
/** Read by Azure's EnvironmentCredential inside the TrustedSigning module, not by electron-builder. */
const AZURE_IDENTITY = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] as const;

const NOTARIZATION_SETS = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  ['APPLE_KEYCHAIN', 'APPLE_KEYCHAIN_PROFILE'],
] as const;

function has(env: Env, name: string): boolean {
  return (env[name] ?? '').trim() !== '';
}

/** electron-builder's `win.azureSignOptions`, or null when no Azure variable is set. Throws when only some are. */
export function azureSignOptions(env: Env): Record<string, string> | null {
  const names = [...Object.values(AZURE_OPTIONS), ...AZURE_IDENTITY];
  if (!names.some((name) => has(env, name))) return null;
  const missing = names.filter((name) => !has(env, name));
  if (missing.length > 0) {
    throw new Error(`Azure Trusted Signing is half set up: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing.`);
  }
  const options: Record<string, string> = {};
  for (const [option, name] of Object.entries(AZURE_OPTIONS)) options[option] = env[name]!.trim();
  return options;
}

/**
 * Why a build for `platform` would not be signed (or, on macOS, not
 * notarized); empty when it will be. Linux packages are not code-signed by
 * electron-builder, so Linux never has problems here.
 */
export function unsignedReasons(platform: BuildPlatform, env: Env): string[] {
  if (platform === 'mac') {
    const reasons: string[] = [];
    if (!has(env, 'CSC_LINK') && !has(env, 'CSC_NAME')) {
      reasons.push(
        'No Developer ID certificate: set CSC_LINK (a .p12 file or its base64) and CSC_KEY_PASSWORD, or CSC_NAME for one in the keychain.',
      );
    }
    if (!NOTARIZATION_SETS.some((set) => set.every((name) => has(env, name)))) {
      reasons.push(
        'No notarization: set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER (or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID).',
      );
    }
    return reasons;
  }
  if (platform === 'win') {
    if (has(env, 'WIN_CSC_LINK') || has(env, 'CSC_LINK')) return [];
    if (azureSignOptions(env)) return [];
    return [
      'No code-signing certificate: set CSC_LINK and CSC_KEY_PASSWORD (or WIN_CSC_LINK and WIN_CSC_KEY_PASSWORD), or the AZURE_SIGNING_* and AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET variables for Azure Trusted Signing.',
    ];
  }
  return [];
}

const PLATFORM_NAMES: Record<BuildPlatform, string> = { mac: 'macOS', win: 'Windows', linux: 'Linux' };

/** The multi-line warning printed before and after an unsigned build; empty when every platform is signed. */
export function unsignedWarning(platforms: BuildPlatform[], env: Env): string {
  const lines = platforms.flatMap((platform) =>
    unsignedReasons(platform, env).map((reason) => `  ${PLATFORM_NAMES[platform]}: ${reason}`),
  );
  if (lines.length === 0) return '';
  const rule = '!'.repeat(78);
  return [
    rule,
    'WARNING: THIS BUILD IS UNSIGNED.',
    'Do not give these installers to staff: macOS Gatekeeper and Windows',
    'SmartScreen will block or warn about them, and nothing proves who built them.',
    ...lines,
    rule,
  ].join('\n');
}

/** Which platforms electron-builder's arguments ask for; none named means the one it runs on. */
export function requestedPlatforms(args: string[], host: NodeJS.Platform): BuildPlatform[] {
  const found = new Set<BuildPlatform>();
  for (const arg of args) {
    if (arg === '--mac' || arg === '--macos') found.add('mac');
    if (arg === '--win' || arg === '--windows') found.add('win');
    if (arg === '--linux') found.add('linux');
    // Short flags, alone or combined: -m, -o (macOS), -w, -l, -mwl.
    if (/^-[mowl]+$/.test(arg)) {
      if (/[mo]/.test(arg)) found.add('mac');
      if (arg.includes('w')) found.add('win');
      if (arg.includes('l')) found.add('linux');
    }
  }
  if (found.size > 0) return [...found];
  return [host === 'darwin' ? 'mac' : host === 'win32' ? 'win' : 'linux'];
}
