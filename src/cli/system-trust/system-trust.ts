/**
 * `localtls trust install-system` / `uninstall-system`: add the CA's root to this machine's trust
 * store (Debian/Ubuntu update-ca-certificates, Fedora update-ca-trust, macOS System keychain,
 * Windows Root store, and NSS databases where NSS `certutil` is present), or remove it.
 *
 * Every run returns a {@link SystemTrustPlan}: the exact files and commands, and which were done.
 * `dryRun` does nothing; `rootDir` prefixes every path and never runs a command (for tests).
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Certificate, ConfigError, LocalTlsError, type CertificateInput } from '../../index.js';
import { SYSTEM_TRUST_PLATFORMS, detectSystemTrustPlatform, type SystemTrustPlatform } from './detect.js';
import { buildSystemTrustSteps, type SystemTrustStep } from './steps.js';

/** Options of {@link installSystemTrust} and {@link uninstallSystemTrust}. */
export interface SystemTrustOptions {
  /** Prefix every path with this directory and run no command (tests, packaging). Default: none, the real store. */
  rootDir?: string;
  /** Only work out the steps; change nothing. Default: false. */
  dryRun?: boolean;
  /** Force a platform instead of detecting it. Default: detected (see `detectSystemTrustPlatform`). */
  platform?: SystemTrustPlatform;
  /** Also change NSS databases (Firefox, Chromium) when NSS `certutil` is on PATH. Default: true. */
  nss?: boolean;
  /** Home directory searched for NSS databases. Default: `os.homedir()`. */
  home?: string;
  /** Longest time one command may run, in milliseconds. Default: 120000. */
  commandTimeoutMs?: number;
}

/** What was (or, in a dry run, would be) done. */
export interface SystemTrustPlan {
  action: 'install' | 'uninstall';
  platform: SystemTrustPlatform;
  /** The root's SHA-256 fingerprint (colon hex). */
  fingerprint: string;
  /** The root's subject. */
  subject: string;
  dryRun: boolean;
  rootDir: string | undefined;
  /** In order; each says whether it was done and, if not, why in `note`. */
  steps: SystemTrustStep[];
}

/**
 * Adds a root certificate to the system trust store. Needs administrator rights on a real system
 * (run the CLI with sudo); files are written with mode 0644.
 *
 * Defaults: detected platform, `dryRun` false, NSS databases included when `certutil` exists.
 * Errors: `NOT_A_CA` for a non-CA certificate, `UNSUPPORTED_PLATFORM` when no known store is
 * found, `IO_ERROR` when a file cannot be written (with a hint to use sudo),
 * `COMMAND_FAILED` when a command exits non-zero (its `details.plan` shows what was done).
 *
 * @example
 * ```ts
 * const plan = await installSystemTrust(ca.certificate, { dryRun: true });
 * console.log(formatSystemTrustPlan(plan));
 * await installSystemTrust(ca.certificate, { rootDir: '/tmp/t' }); // writes /tmp/t/usr/local/share/ca-certificates/localtls-….crt
 * ```
 */
export function installSystemTrust(certificate: CertificateInput, options: SystemTrustOptions = {}): Promise<SystemTrustPlan> {
  return run('install', certificate, options);
}

/**
 * Removes a root certificate from the system trust store: the reverse of
 * {@link installSystemTrust}, with the same options and errors. Removing a root that is not
 * installed is not an error (the file step is marked not done with a note).
 *
 * @example
 * ```ts
 * await uninstallSystemTrust(ca.certificate);
 * ```
 */
export function uninstallSystemTrust(certificate: CertificateInput, options: SystemTrustOptions = {}): Promise<SystemTrustPlan> {
  return run('uninstall', certificate, options);
}

/**
 * Describes a plan for people: one line per step, marked done, not done, or (dry run) to do.
 *
 * @example
 * ```ts
 * console.log(formatSystemTrustPlan(await installSystemTrust(cert, { dryRun: true })));
 * // install CN=Front Desk CA on debian (dry run: nothing was changed)
 * //   [ ] write /usr/local/share/ca-certificates/localtls-3f9a….crt (PEM) — …
 * //   [ ] run update-ca-certificates — …
 * ```
 */
export function formatSystemTrustPlan(plan: SystemTrustPlan): string {
  const head = `${plan.action} ${plan.subject} (sha256 ${plan.fingerprint}) on ${plan.platform}` +
    (plan.dryRun ? ' (dry run: nothing was changed)' : '') +
    (plan.rootDir ? ` under ${plan.rootDir} (commands not run)` : '');
  const lines = plan.steps.map((step) => {
    const mark = step.done ? '[x]' : '[ ]';
    const what = step.kind === 'write-file' ? `write ${step.path} (${step.format.toUpperCase()})`
      : step.kind === 'remove-file' ? `remove ${step.path}`
      : `run ${step.command.map(shellQuote).join(' ')}`;
    return `  ${mark} ${what} — ${step.description}${step.note ? ` (${step.note})` : ''}`;
  });
  return [head, ...lines].join('\n');
}

async function run(action: 'install' | 'uninstall', input: CertificateInput, options: SystemTrustOptions): Promise<SystemTrustPlan> {
  const certificate = Certificate.from(input);
  if (!certificate.isCA) {
    throw new ConfigError('NOT_A_CA', `trust ${action}-system: expected a CA root certificate; found ${certificate.subject}, which is not a CA`, {
      hint: 'Pass the CA\'s root certificate (localtls ca export).',
    });
  }
  if (options.platform !== undefined && !SYSTEM_TRUST_PLATFORMS.includes(options.platform)) {
    throw new ConfigError('INVALID_OPTION', `platform: expected one of ${SYSTEM_TRUST_PLATFORMS.join(', ')}; found ${JSON.stringify(options.platform)}`);
  }
  if (options.rootDir !== undefined && (typeof options.rootDir !== 'string' || options.rootDir === '')) {
    throw new ConfigError('INVALID_OPTION', `rootDir: expected a directory path; found ${JSON.stringify(options.rootDir)}`);
  }
  const platform = options.platform ?? detectSystemTrustPlatform({ rootDir: options.rootDir });
  if (!platform) {
    throw new LocalTlsError('UNSUPPORTED_PLATFORM', `trust ${action}-system: expected a known system trust store (update-ca-certificates, update-ca-trust, macOS, Windows); found none on this ${process.platform} machine`, {
      hint: 'Install the root by hand (see docs/enroll.md), or pass --platform debian|fedora if the store is in the usual place.',
    });
  }
  const plan: SystemTrustPlan = {
    action,
    platform,
    fingerprint: certificate.fingerprintSha256,
    subject: certificate.subject,
    dryRun: options.dryRun ?? false,
    rootDir: options.rootDir,
    steps: buildSystemTrustSteps({ action, platform, certificate, rootDir: options.rootDir, nss: options.nss, home: options.home }),
  };
  if (plan.dryRun) {
    for (const step of plan.steps) step.note = 'dry run';
    return plan;
  }
  for (const step of plan.steps) {
    if (step.kind === 'write-file') {
      await guard(plan, step.path, async () => {
        await mkdir(dirname(step.path), { recursive: true });
        await writeFile(step.path, step.format === 'pem' ? certificate.toPEM() : certificate.toDER(), { mode: 0o644 });
      });
      step.done = true;
    } else if (step.kind === 'remove-file') {
      const removed = await guard(plan, step.path, async () => {
        try {
          await rm(step.path);
          return true;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
          throw error;
        }
      });
      step.done = removed;
      if (!removed) step.note = 'not present';
    } else if (options.rootDir) {
      step.note = 'not run: rootDir given';
    } else {
      await runCommand(plan, step.command, options.commandTimeoutMs ?? 120_000);
      step.done = true;
    }
  }
  return plan;
}

async function guard<T>(plan: SystemTrustPlan, path: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new LocalTlsError('IO_ERROR', `trust ${plan.action}-system: could not change ${path}: ${code}`, {
      cause,
      hint: code === 'EACCES' || code === 'EPERM' ? 'The system trust store needs administrator rights: run the command with sudo (or try --dry-run first).' : undefined,
      details: { plan },
    });
  }
}

function runCommand(plan: SystemTrustPlan, command: string[], timeout: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command[0]!, command.slice(1), { timeout, windowsHide: true }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const code = (error as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'command not found' : error.killed ? `timed out after ${timeout} ms` : `exit ${String(code)}: ${String(stderr).trim().split('\n').slice(-2).join(' ')}`;
      reject(new LocalTlsError('COMMAND_FAILED', `trust ${plan.action}-system: expected \`${command.join(' ')}\` to succeed; ${reason}`, {
        cause: error,
        hint: code === 'ENOENT' ? `Install the package that provides ${command[0]} (ca-certificates, nss-tools/libnss3-tools), or use --dry-run and do the steps by hand.` : 'Run with sudo; see the plan in the details for what was already done.',
        details: { plan, command },
      }));
    });
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
