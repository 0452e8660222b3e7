/**
 * TrustStore: the root certificates this user has installed — what "install the CA's root on
 * every client device" means for localtls. One PEM file per root, named by its fingerprint.
 */
import { readFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, IdentityError, LocalTlsError, TrustError } from '../errors.js';
import { booleanOption, describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { withLock, type LockOptions } from './lock.js';
import { checkPermissions, checkStats } from './permissions.js';
import { storePaths } from './paths.js';
import { cleanStaleTempsIfIdle, prepareDirectory } from './store-directory.js';
import { ioError, listItemFiles, removeItemFile } from './store-files.js';

/** Options of {@link TrustStore.open}. */
export interface TrustStoreOptions {
  /** The trust store directory. Default: `<localtls home>/trust` (see {@link localtlsHome}). */
  dir?: string;
  /** Accept a directory or files writable by group/others. Default: false (INSECURE_PERMISSIONS). */
  allowInsecurePermissions?: boolean;
  /** Lock timing for writes. Default: wait up to 10 s. */
  lock?: LockOptions;
}

/** An installed root, as listed by {@link TrustStore.list}. */
export interface TrustedRoot {
  /** SHA-256 of the certificate, colon hex (what `add` returned; what `remove` takes). */
  fingerprintSha256: string;
  /** The root's subject. */
  subject: string;
  /** End of its validity. */
  notAfter: Date;
  /** SHA-256 of its public key (base64). */
  spkiSha256: string;
  /** The certificate itself. */
  certificate: Certificate;
}

const LOCK = '.lock';
const SUFFIX = '.pem';

/**
 * The installed roots. `connect()` trusts them by default (with the system roots and any
 * `trustRoots`); `bundle()` gives PEM for `NODE_EXTRA_CA_CERTS` and other tools.
 *
 * @example
 * ```ts
 * const trust = await TrustStore.open();
 * const fingerprint = await trust.add(ca.certificate);      // NOT_A_CA for a leaf
 * await writeFile('roots.pem', await trust.bundle());
 * await trust.remove(fingerprint);
 * ```
 */
export class TrustStore {
  /** The trust store directory. */
  readonly dir: string;
  readonly #allowInsecure: boolean;
  readonly #lock: LockOptions;

  private constructor(dir: string, allowInsecure: boolean, lock: LockOptions) {
    this.dir = dir;
    this.#allowInsecure = allowInsecure;
    this.#lock = lock;
  }

  /**
   * Opens (creating when missing, mode 0700) the trust store in `dir`.
   *
   * @example
   * ```ts
   * const trust = await TrustStore.open({ dir: '/srv/desk/trust' });
   * ```
   * @throws IdentityError INSECURE_PERMISSIONS; LocalTlsError IO_ERROR; ConfigError INVALID_OPTION
   */
  static async open(options: TrustStoreOptions = {}): Promise<TrustStore> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `TrustStore.open: expected { dir? }; found ${describe(options)}`);
    knownKeys('TrustStore.open', options, ['dir', 'allowInsecurePermissions', 'lock']);
    const dir = resolve(options.dir === undefined ? storePaths().trust : nonEmptyString('dir', options.dir));
    const allowInsecure = booleanOption('allowInsecurePermissions', options.allowInsecurePermissions ?? false);
    await prepareDirectory(dir, { rule: 'not-writable', allowInsecure });
    await cleanStaleTempsIfIdle(join(dir, LOCK), dir, options.lock);
    return new TrustStore(dir, allowInsecure, options.lock ?? {});
  }

  /**
   * Installs a root (or intermediate) CA certificate. Adding one already present is a no-op.
   *
   * @example
   * ```ts
   * const fp = await trust.add(readFileSync('front-desk-ca.pem', 'utf8'));
   * ```
   * @returns its SHA-256 fingerprint (colon hex)
   * @throws TrustError NOT_A_CA for a certificate without basicConstraints cA; IdentityError MALFORMED
   */
  async add(certificate: CertificateInput): Promise<string> {
    const cert = Certificate.from(certificate);
    if (!cert.isCA) {
      throw new TrustError('NOT_A_CA', `trust store: expected a CA certificate (basicConstraints cA=true); found ${cert.subject}, which is not a CA`, {
        hint: 'install the root certificate of the CA that issued it (ca.certificate), not a server certificate; to trust one server, use tofu() or a pin',
        details: { fingerprintSha256: cert.fingerprintSha256 },
      });
    }
    const file = this.#file(cert.fingerprintSha256);
    await withLock(join(this.dir, LOCK), () => writeFileAtomic(file, cert.toPEM(), 0o600), this.#lock);
    forgetInstalledRoots(this.dir);
    return cert.fingerprintSha256;
  }

  /**
   * The installed roots, sorted by subject. Unreadable files are skipped (fewer roots can only
   * make verification stricter).
   *
   * @example
   * ```ts
   * for (const root of await trust.list()) console.log(root.fingerprintSha256, root.subject);
   * ```
   */
  async list(): Promise<TrustedRoot[]> {
    const roots: TrustedRoot[] = [];
    for (const name of (await listItemFiles(this.dir, SUFFIX, 'trust store')).sort()) {
      const cert = await this.#load(join(this.dir, name)).catch((e: unknown) => {
        if (e instanceof LocalTlsError && e.code !== 'IO_ERROR') return undefined;
        throw e;
      });
      if (cert) roots.push({ fingerprintSha256: cert.fingerprintSha256, subject: cert.subject, notAfter: cert.notAfter, spkiSha256: cert.spkiSha256.base64, certificate: cert });
    }
    return roots.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : 0));
  }

  /**
   * The installed roots as certificates (for `connect({ trustRoots })` or `evaluateTrust` anchors).
   *
   * @example
   * ```ts
   * const anchors = await trust.certificates();
   * ```
   */
  async certificates(): Promise<Certificate[]> {
    return (await this.list()).map((r) => r.certificate);
  }

  /**
   * Removes the root with this fingerprint (colon hex as `add` returned it, or plain hex; any case).
   *
   * @example
   * ```ts
   * await trust.remove('AB:CD:…');
   * ```
   * @throws IdentityError ITEM_NOT_FOUND; ConfigError INVALID_OPTION for a malformed fingerprint
   */
  async remove(fingerprint: string): Promise<void> {
    const file = this.#file(fingerprint);
    await withLock(join(this.dir, LOCK), () => removeItemFile(file, this.dir, {
      what: 'trust store file',
      notFound: () => new IdentityError('ITEM_NOT_FOUND', `trust store ${this.dir}: expected a root with fingerprint ${fingerprint}; found none`, {
        hint: 'list the installed roots with trust.list()', details: { fingerprint },
      }),
    }), this.#lock);
    forgetInstalledRoots(this.dir);
  }

  /**
   * All installed roots as one PEM text, for `NODE_EXTRA_CA_CERTS`, curl `--cacert` and the like.
   * Empty string when none are installed.
   *
   * @example
   * ```ts
   * await writeFile('/etc/localtls/roots.pem', await trust.bundle());
   * ```
   */
  async bundle(): Promise<string> {
    return (await this.list()).map((r) => `# ${r.subject}\n# SHA-256 ${r.fingerprintSha256}\n${r.certificate.toPEM()}`).join('');
  }

  /** A short description. */
  toString(): string {
    return `TrustStore(${this.dir})`;
  }

  #file(fingerprint: string): string {
    const hex = typeof fingerprint === 'string' ? fingerprint.replace(/:/g, '').toLowerCase() : '';
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new ConfigError('INVALID_OPTION', `fingerprint: expected a SHA-256 fingerprint (64 hex digits, colons allowed); found ${describe(fingerprint)}`);
    return join(this.dir, hex + SUFFIX);
  }

  async #load(file: string): Promise<Certificate> {
    if (!this.#allowInsecure) await checkPermissions(file, 'not-writable');
    const text = await readFile(file, 'utf8');
    let cert: Certificate;
    try {
      cert = Certificate.from(text);
    } catch (cause) {
      throw new IdentityError('CORRUPT_ITEM', `trust store file ${file}: expected a PEM certificate; found content that does not parse`, { cause, details: { file } });
    }
    if (this.#file(cert.fingerprintSha256) !== file || !cert.isCA) {
      throw new IdentityError('CORRUPT_ITEM', `trust store file ${file}: expected the CA certificate its name fingerprints; found ${cert.subject} (${cert.fingerprintSha256})`, { details: { file } });
    }
    return cert;
  }
}

const syncCache = new Map<string, { mtimeMs: number; ino: number; certificates: readonly Certificate[] }>();

/**
 * The last answer per directory and when it was checked: within {@link RECHECK_MS} it is answered
 * again without a `stat` (every connect() asks). A change made through a TrustStore in this process
 * counts at once (add/remove forget the directory); one made by another process (the CLI's
 * `localtls trust add`) counts within RECHECK_MS, and so does a directory made group/other-writable.
 */
const recent = new Map<string, { checkedAt: number; certificates: readonly Certificate[] }>();
const RECHECK_MS = 1_000;

/** Checked within the last RECHECK_MS (a clock set back counts as not recent). */
function isRecent(checkedAt: number, now: number): boolean {
  return now - checkedAt < RECHECK_MS && now >= checkedAt;
}

/**
 * The last answer for the default directory, without deriving that directory again (every
 * connect() asks; each environment read is a native lookup). `LOCALTLS_HOME` is read every time,
 * so setting it counts at once; a change of `XDG_DATA_HOME` or `HOME` counts within RECHECK_MS,
 * like a change on disk.
 */
let recentDefault: { checkedAt: number; allowInsecure: boolean; home: string | undefined; certificates: readonly Certificate[] } | undefined;

function forgetInstalledRoots(dir: string): void {
  recentDefault = undefined;
  const key = resolve(dir);
  recent.delete(key);
  recent.delete(`${key}\0insecure-ok`);
  syncCache.delete(key);
}

/**
 * The default trust directory, re-derived only when an input of {@link storePaths} changes
 * (`LOCALTLS_HOME`, `XDG_DATA_HOME`, `HOME`, `LOCALAPPDATA`): every connect() asks for it, and
 * deriving it (homedir, joins, resolve) cost more than the `stat` that follows.
 */
function defaultTrustDir(): string {
  // Each process.env read is a native lookup (~2 µs): read only what this platform's path uses.
  const env = process.env;
  const own = env.LOCALTLS_HOME;
  const inputs = own ? `home\0${own}`
    : process.platform === 'win32' ? `win\0${env.LOCALAPPDATA}\0${env.USERPROFILE}`
      : process.platform === 'darwin' ? `mac\0${env.HOME}` : `unix\0${env.XDG_DATA_HOME}\0${env.HOME}`;
  if (defaultDir?.inputs !== inputs) defaultDir = { inputs, dir: resolve(storePaths().trust) };
  return defaultDir.dir;
}
let defaultDir: { inputs: string; dir: string } | undefined;
const NO_ROOTS: readonly Certificate[] = Object.freeze([]);

/**
 * The installed roots, read synchronously — for code that assembles trust anchors where it cannot
 * await (the default trust of `connect()`). Cached per directory and re-read only when the
 * directory changes (every add/remove renames or unlinks a file in it); the directory is looked at
 * (one `stat`) at most once a second, and at once after an add/remove through a TrustStore in this
 * process. So a root installed by another process, or a directory made group/other-writable,
 * counts within a second.
 * A missing directory means no roots. Files that do not parse, are not CAs or do not match their
 * name are skipped.
 *
 * @example
 * ```ts
 * const anchors = [...installedRootsSync(), ...trustRoots];
 * ```
 * @throws IdentityError INSECURE_PERMISSIONS when the directory or a file is group/other-writable (unless `allowInsecurePermissions`)
 */
export function installedRootsSync(options: { dir?: string; allowInsecurePermissions?: boolean } = {}): readonly Certificate[] {
  const allowInsecure = options.allowInsecurePermissions === true;
  const now = Date.now();
  const isDefault = options.dir === undefined;
  const home = isDefault ? process.env.LOCALTLS_HOME : undefined;
  if (isDefault && recentDefault && recentDefault.allowInsecure === allowInsecure && recentDefault.home === home && isRecent(recentDefault.checkedAt, now)) return recentDefault.certificates;
  const dir = isDefault ? defaultTrustDir() : resolve(options.dir!);
  const recentKey = allowInsecure ? `${dir}\0insecure-ok` : dir;
  const last = recent.get(recentKey);
  let answer = last;
  if (!answer || !isRecent(answer.checkedAt, now)) {
    answer = { checkedAt: now, certificates: readInstalledRoots(dir, allowInsecure) };
    if (recent.size >= 64) recent.delete(recent.keys().next().value as string);
    recent.set(recentKey, answer);
  }
  if (isDefault) recentDefault = { checkedAt: answer.checkedAt, allowInsecure, home, certificates: answer.certificates };
  return answer.certificates;
}

/** installedRootsSync without the recent-answer memo: one `stat`, and a re-read when the directory changed. */
function readInstalledRoots(dir: string, allowInsecurePermissions: boolean): readonly Certificate[] {
  let info;
  try {
    // throwIfNoEntry: a missing store is the common case on every connect(); no exception built for it.
    info = statSync(dir, { throwIfNoEntry: false });
  } catch (cause) {
    throw ioError(`trust store ${dir}`, 'read it', cause);
  }
  if (!info) return NO_ROOTS;
  if (!allowInsecurePermissions) checkStats(dir, info, 'not-writable');
  const cached = syncCache.get(dir);
  if (cached && cached.mtimeMs === info.mtimeMs && cached.ino === info.ino) return cached.certificates;
  const certificates: Certificate[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(SUFFIX) && !n.startsWith('.')).sort()) {
    const file = join(dir, name);
    try {
      if (!allowInsecurePermissions) checkStats(file, statSync(file), 'not-writable');
      const cert = Certificate.from(readFileSync(file, 'utf8'));
      if (cert.isCA && name === cert.fingerprintSha256.replace(/:/g, '').toLowerCase() + SUFFIX) certificates.push(cert);
    } catch (error) {
      if (error instanceof LocalTlsError && error.code === 'INSECURE_PERMISSIONS') throw error;
      /* unreadable or damaged: not trusted */
    }
  }
  const frozen = Object.freeze(certificates);
  // On filesystems with coarse timestamps a change in the same tick would look unchanged: cache
  // only directories whose last change is comfortably in the past.
  if (Date.now() - info.mtimeMs > 2_000) syncCache.set(dir, { mtimeMs: info.mtimeMs, ino: info.ino, certificates: frozen });
  else syncCache.delete(dir);
  return frozen;
}
