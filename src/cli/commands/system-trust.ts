/** `localtls trust install-system | uninstall-system`: the CA's root in this machine's own trust store. */
import { formatSystemTrustPlan, installSystemTrust, SYSTEM_TRUST_PLATFORMS, uninstallSystemTrust, type SystemTrustPlatform } from '../system-trust/index.js';
import { choice, flag, str, type Command, type Context } from '../command.js';
import { readCaCertificate } from '../home.js';
import { readCertificate } from '../files.js';

const OPTIONS: Command['options'] = {
  'dry-run': { type: 'boolean', description: 'print what would be done; change nothing' },
  'root-dir': { type: 'string', value: 'DIR', description: 'prefix every path with DIR and run no command (for tests and packaging)' },
  platform: { type: 'string', value: 'P', description: `force a platform: ${SYSTEM_TRUST_PLATFORMS.join(', ')} (default: detected)` },
  'no-nss': { type: 'boolean', description: 'leave NSS databases (Firefox, Chromium) alone' },
};

async function runSystemTrust(ctx: Context, action: 'install' | 'uninstall'): Promise<number> {
  const platform = str(ctx, 'platform') === undefined ? undefined : choice<SystemTrustPlatform>('platform', str(ctx, 'platform'), SYSTEM_TRUST_PLATFORMS);
  const certificate = ctx.positionals[0] ? await readCertificate(ctx.positionals[0], 'root certificate file') : await readCaCertificate(ctx);
  const options = {
    dryRun: flag(ctx, 'dry-run'),
    ...(str(ctx, 'root-dir') ? { rootDir: str(ctx, 'root-dir') } : {}),
    ...(platform ? { platform } : {}),
    ...(flag(ctx, 'no-nss') ? { nss: false } : {}),
  };
  const plan = action === 'install' ? await installSystemTrust(certificate, options) : await uninstallSystemTrust(certificate, options);
  if (ctx.out.json) ctx.out.printJson(plan);
  else ctx.out.line(formatSystemTrustPlan(plan));
  return 0;
}

const install: Command = {
  name: 'trust install-system',
  args: '[cert]',
  summary: "Add the CA's root (default: the home CA's) to this machine's trust store: update-ca-certificates, update-ca-trust, the macOS System keychain, Windows, NSS.",
  details: 'Needs administrator rights on a real system (sudo). --dry-run prints the exact files and commands first.',
  options: OPTIONS,
  positionals: { min: 0, max: 1 },
  noPassword: true,
  examples: ['localtls trust install-system --dry-run', 'sudo localtls trust install-system --home ~/.local/share/localtls'],
  run: (ctx) => runSystemTrust(ctx, 'install'),
};

const uninstall: Command = {
  name: 'trust uninstall-system',
  args: '[cert]',
  summary: "Remove the CA's root (default: the home CA's) from this machine's trust store.",
  options: OPTIONS,
  positionals: { min: 0, max: 1 },
  noPassword: true,
  examples: ['sudo localtls trust uninstall-system'],
  run: (ctx) => runSystemTrust(ctx, 'uninstall'),
};

/** The system-trust subcommands of the `trust` group. */
export const systemTrustCommands: Command[] = [install, uninstall];
