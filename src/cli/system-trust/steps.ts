/**
 * The steps that add a root to (or remove it from) a system trust store, as data: files to write
 * or remove and commands to run. Building the steps changes nothing; see system-trust.ts for
 * carrying them out.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Certificate } from '../../index.js';
import { findExecutable, type SystemTrustPlatform } from './detect.js';

/** One thing to do. `path` values are final (already prefixed by `rootDir`). */
export type SystemTrustStep =
  | { kind: 'write-file'; description: string; path: string; format: 'pem' | 'der'; done: boolean; note?: string }
  | { kind: 'remove-file'; description: string; path: string; done: boolean; note?: string }
  | { kind: 'run'; description: string; command: string[]; done: boolean; note?: string };

/** Inputs of {@link buildSystemTrustSteps}. */
export interface StepInputs {
  action: 'install' | 'uninstall';
  platform: SystemTrustPlatform;
  certificate: Certificate;
  /** Prefix of every path. Default: none (the real paths). */
  rootDir?: string;
  /** Also change NSS databases (Firefox, Chromium) found under `home`, when NSS `certutil` is on PATH. Default: true. */
  nss?: boolean;
  /** The home directory searched for NSS databases. Default: `os.homedir()`. */
  home?: string;
}

/** The file-name stem used in every store: `localtls-<first 16 hex digits of the SHA-256 fingerprint>`. */
export function trustFileStem(certificate: Certificate): string {
  return `localtls-${certificate.fingerprintSha256.replace(/:/g, '').slice(0, 16).toLowerCase()}`;
}

const SYSTEM_KEYCHAIN = '/Library/Keychains/System.keychain';

/**
 * Lists the steps for one platform. Reads the file system only to find NSS databases.
 *
 * @example
 * ```ts
 * buildSystemTrustSteps({ action: 'install', platform: 'debian', certificate: ca.certificate });
 * // [{ kind: 'write-file', path: '/usr/local/share/ca-certificates/localtls-3f9a….crt', … },
 * //  { kind: 'run', command: ['update-ca-certificates'], … }]
 * ```
 */
export function buildSystemTrustSteps(inputs: StepInputs): SystemTrustStep[] {
  const { action, platform, certificate } = inputs;
  const at = (path: string): string => (inputs.rootDir ? join(inputs.rootDir, path) : path);
  const stem = trustFileStem(certificate);
  const name = certificate.commonName ?? certificate.subject;
  const install = action === 'install';
  const steps: SystemTrustStep[] = [];
  let sourceFile: string;
  let temporary: string | undefined;

  switch (platform) {
    case 'debian': {
      sourceFile = at(`/usr/local/share/ca-certificates/${stem}.crt`);
      steps.push(install
        ? { kind: 'write-file', description: `write the root (PEM) where update-ca-certificates reads it`, path: sourceFile, format: 'pem', done: false }
        : { kind: 'remove-file', description: 'remove the root from update-ca-certificates\' directory', path: sourceFile, done: false });
      steps.push({ kind: 'run', description: 'rebuild /etc/ssl/certs and the bundle', command: ['update-ca-certificates'], done: false });
      break;
    }
    case 'fedora': {
      sourceFile = at(`/etc/pki/ca-trust/source/anchors/${stem}.pem`);
      steps.push(install
        ? { kind: 'write-file', description: 'write the root (PEM) as a trust anchor', path: sourceFile, format: 'pem', done: false }
        : { kind: 'remove-file', description: 'remove the root from the trust anchors', path: sourceFile, done: false });
      steps.push({ kind: 'run', description: 'rebuild the extracted trust bundles', command: ['update-ca-trust', 'extract'], done: false });
      break;
    }
    case 'macos': {
      temporary = at(join(tmpdir(), `${stem}.cer`));
      sourceFile = temporary;
      steps.push({ kind: 'write-file', description: 'write the root (DER) to a temporary file for `security`', path: temporary, format: 'der', done: false });
      if (install) {
        steps.push({ kind: 'run', description: 'add the root to the System keychain, trusted as a root for every policy', command: ['security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', SYSTEM_KEYCHAIN, temporary], done: false });
      } else {
        const sha1 = createHash('sha1').update(certificate.toDER()).digest('hex').toUpperCase();
        steps.push({ kind: 'run', description: 'remove the admin trust setting for the root', command: ['security', 'remove-trusted-cert', '-d', temporary], done: false });
        steps.push({ kind: 'run', description: 'delete the root from the System keychain', command: ['security', 'delete-certificate', '-Z', sha1, SYSTEM_KEYCHAIN], done: false });
      }
      break;
    }
    case 'windows': {
      temporary = at(join(tmpdir(), `${stem}.cer`));
      sourceFile = temporary;
      if (install) {
        steps.push({ kind: 'write-file', description: 'write the root (DER) to a temporary file for certutil', path: temporary, format: 'der', done: false });
        steps.push({ kind: 'run', description: 'add the root to the machine\'s Trusted Root Certification Authorities', command: ['certutil', '-addstore', '-f', 'Root', temporary], done: false });
      } else {
        temporary = undefined;
        steps.push({ kind: 'run', description: 'delete the root from Trusted Root Certification Authorities by serial number', command: ['certutil', '-delstore', 'Root', certificate.serialNumber], done: false });
      }
      break;
    }
  }

  if ((inputs.nss ?? true) && platform !== 'windows' && findExecutable('certutil')) {
    for (const db of nssDatabases(at(inputs.home ?? homedir()), platform)) {
      steps.push(install
        ? { kind: 'run', description: `trust the root in the NSS database ${db} (Firefox/Chromium)`, command: ['certutil', '-A', '-d', `sql:${db}`, '-t', 'C,,', '-n', `${stem} ${name}`, '-i', sourceFile], done: false }
        : { kind: 'run', description: `delete the root from the NSS database ${db}`, command: ['certutil', '-D', '-d', `sql:${db}`, '-n', `${stem} ${name}`], done: false });
    }
  }
  if (temporary) steps.push({ kind: 'remove-file', description: 'remove the temporary file', path: temporary, done: false });
  return steps;
}

/** NSS databases (directories holding cert9.db) of Chromium and Firefox profiles under `home`. */
function nssDatabases(home: string, platform: SystemTrustPlatform): string[] {
  const found: string[] = [];
  const consider = (dir: string): void => {
    if (existsSync(join(dir, 'cert9.db'))) found.push(dir);
  };
  const profilesIn = (dir: string): void => {
    let entries: string[] = [];
    try { entries = readdirSync(dir); } catch { return; }
    for (const entry of entries.sort()) consider(join(dir, entry));
  };
  consider(join(home, '.pki', 'nssdb'));
  if (platform === 'macos') profilesIn(join(home, 'Library', 'Application Support', 'Firefox', 'Profiles'));
  else {
    profilesIn(join(home, '.mozilla', 'firefox'));
    profilesIn(join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'));
  }
  return found;
}
