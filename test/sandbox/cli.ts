/**
 * `npm run sandbox`: the identity provider and AWS emulators on fixed local
 * ports, and Strata configured against them: in Electron where it is
 * installed, otherwise the browser preview (the real main-process services
 * under Node, the renderer in your browser).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../harness/electron-binary';
import { startSandbox } from './index';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sandbox = await startSandbox({
  ports: { oidc: 4100, cognito: 4101, sts: 4102, bedrock: 4103, bedrockRuntime: 4104, sso: 4105, ssoOidc: 4106, bedrockAgent: 4107, bedrockAgentRuntime: 4108 },
  bedrock: { tokensPerSecond: 60, answerWords: 350 },
  log: true,
});

console.log(`\nSandbox identity provider: ${sandbox.issuer}`);
for (const user of sandbox.users) console.log(`  user ${user.username} / password ${user.password}  (${user.name})`);
const sso = sandbox.identityCenter;
console.log(`\nSandbox IAM Identity Center: start URL ${sso.startUrl}, Region ${sso.region}, account ${sso.accountId}, roles ${sso.roles.join(', ')}`);
console.log(`  sign-in (OIDC) ${sso.oidcEndpoint}, portal ${sso.portalEndpoint}; the same users and passwords`);

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const env = { ...process.env, ...sandbox.env() };

if (electronBinary()) {
  console.log('\nStarting Strata (Electron) against the sandbox…');
  const code = await run(npx, ['electron-vite', 'preview'], env);
  await sandbox.close();
  process.exit(code);
} else {
  console.log('\nElectron is not installed here; starting the browser preview.');
  if ((await run(npx, ['electron-vite', 'build'], env)) !== 0) process.exit(1);
  const { startHarness } = await import('../harness/harness');
  // The AWS files the person named, so their profiles (an IAM Identity Center one against the sandbox, say) are listed.
  const awsFiles = Object.fromEntries(
    ['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_PROFILE'].flatMap((name) => (process.env[name] ? [[name, process.env[name]!]] : [])),
  );
  const harness = await startHarness({
    env: { ...awsFiles, ...sandbox.env() },
    port: 4173,
    onOpenExternal: (url) => {
      console.log(`\nStrata asks your browser to open the sign-in page:\n  ${url}\n`);
      const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
      spawn(opener, [url], { stdio: 'ignore', detached: true }).on('error', () => {});
    },
  });
  console.log(`\nOpen Strata in your browser: ${harness.url}\nPress Ctrl+C to stop.`);
  process.on('SIGINT', () => {
    void harness.close().then(() => sandbox.close()).then(() => process.exit(0));
  });
}
