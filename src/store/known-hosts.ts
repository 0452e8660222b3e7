/**
 * Known hosts: the recorded key (SPKI SHA-256 pin) of each host:port, and CAs whose chains are
 * accepted for a host or for all hosts — the store behind trust on first use ({@link tofu} in
 * tofu.ts). Writes take the file's lock; see docs/stores.md for the format.
 */
import { dirname, resolve, basename } from 'node:path';
import { ConfigError, IdentityError, TrustError } from '../errors.js';
import { booleanOption, describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { withLock, type LockOptions } from './lock.js';
import { storePaths } from './paths.js';
import { cleanStaleTempsIfIdle, prepareDirectory } from './store-directory.js';
import { authorityVerdict } from './chain-to-authority.js';
import type { TrustResult } from '../trust/index.js';
import { checkEndpoint, formatEndpoint } from './host-endpoint.js';
import { hostEntry, readKnownHostsFile, toAuthority, toKnownHost, writeKnownHostsFile, type FileAuthority, type FileHost, type KnownAuthority, type KnownHost, type KnownHostsData } from './known-hosts-file.js';

export type { KnownAuthority, KnownHost } from './known-hosts-file.js';

/**
 * The answer of {@link KnownHosts.check}: the status, the recorded entry of host:port (if any) and
 * the recorded CAs' verdict (when a CA applies to the host).
 *
 * @example
 * ```ts
 * const result: KnownHostCheck = await known.check('desk.local', 4433, chain);
 * ```
 */
export interface KnownHostCheck {
  status: 'known' | 'authority' | 'refused' | 'changed' | 'unknown';
  entry: KnownHost | undefined;
  authority: TrustResult | undefined;
}

/** Options of {@link KnownHosts.open}. */
export interface KnownHostsOptions {
  /** The known-hosts file. Default: `<localtls home>/known_hosts.json`. */
  file?: string;
  /** Accept a file writable by group/others. Default: false (INSECURE_PERMISSIONS). */
  allowInsecurePermissions?: boolean;
  /** Lock timing for writes. Default: wait up to 10 s. */
  lock?: LockOptions;
}

/**
 * The known-hosts file: recorded host keys and host CAs.
 *
 * @example
 * ```ts
 * const known = await KnownHosts.open();
 * for (const h of await known.list()) console.log(`${h.host}:${h.port}`, h.fingerprintSha256);
 * await known.remove('printer.local', 4433);          // the printer got a new key on purpose
 * await known.addAuthority(caPem, { host: 'listener-name.local' });
 * ```
 */
export class KnownHosts {
  /** The known-hosts file. */
  readonly file: string;
  readonly #allowInsecure: boolean;
  readonly #lock: LockOptions;

  private constructor(file: string, allowInsecure: boolean, lock: LockOptions) {
    this.file = file;
    this.#allowInsecure = allowInsecure;
    this.#lock = lock;
  }

  /**
   * Opens the known-hosts file (created on the first write; its directory is created 0700).
   *
   * @example
   * ```ts
   * const known = await KnownHosts.open({ file: '/srv/desk/known_hosts.json' });
   * ```
   * @throws IdentityError INSECURE_PERMISSIONS; LocalTlsError IO_ERROR
   */
  static async open(options: KnownHostsOptions = {}): Promise<KnownHosts> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `KnownHosts.open: expected { file? }; found ${describe(options)}`);
    knownKeys('KnownHosts.open', options, ['file', 'allowInsecurePermissions', 'lock']);
    const file = resolve(options.file === undefined ? storePaths().knownHosts : nonEmptyString('file', options.file));
    const allowInsecure = booleanOption('allowInsecurePermissions', options.allowInsecurePermissions ?? false);
    await prepareDirectory(dirname(file), { rule: 'not-writable', allowInsecure });
    const known = new KnownHosts(file, allowInsecure, options.lock ?? {});
    await cleanStaleTempsIfIdle(known.#lockPath, dirname(file), options.lock, basename(file) + '-');
    return known;
  }

  /** Recorded host keys, sorted by host and port. @example `await known.list()` */
  async list(): Promise<KnownHost[]> {
    return (await this.#read()).hosts.map(toKnownHost).sort((a, b) => (a.host === b.host ? a.port - b.port : a.host < b.host ? -1 : 1));
  }

  /** The entry for host:port, if any. @example `const entry = await known.get('listener-name.local', 4433)` */
  async get(host: string, port: number): Promise<KnownHost | undefined> {
    const key = checkEndpoint(host, port);
    const entry = (await this.#read()).hosts.find((h) => h.host === key.host && h.port === key.port);
    return entry && toKnownHost(entry);
  }

  /**
   * Records (or overwrites) the key of host:port from its leaf certificate.
   *
   * @example
   * ```ts
   * await known.record('listener-name.local', 4433, leafPem);
   * ```
   */
  async record(host: string, port: number, leaf: CertificateInput): Promise<KnownHost> {
    const key = checkEndpoint(host, port);
    const entry = hostEntry(key, Certificate.from(leaf));
    await this.#update((data) => {
      data.hosts = data.hosts.filter((h) => !(h.host === key.host && h.port === key.port));
      data.hosts.push(entry);
    });
    return toKnownHost(entry);
  }

  /**
   * Records the key of host:port unless an entry exists (checked and written under the lock).
   *
   * @example
   * ```ts
   * const entry = await known.recordIfNew('listener-name.local', 4433, leaf);
   * if (entry.spkiSha256 !== leaf.spkiSha256.base64) console.warn('another key was recorded first');
   * ```
   * @returns the entry now in the file (possibly an earlier one)
   */
  async recordIfNew(host: string, port: number, leaf: CertificateInput): Promise<KnownHost> {
    const key = checkEndpoint(host, port);
    let result: FileHost = hostEntry(key, Certificate.from(leaf));
    await this.#update((data) => {
      const existing = data.hosts.find((h) => h.host === key.host && h.port === key.port);
      if (existing) result = existing;
      else data.hosts.push(result);
    });
    return toKnownHost(result);
  }

  /**
   * Removes the entry for host:port, or every entry for `host` when `port` is omitted, so the next
   * connection is a first use again.
   *
   * @example
   * ```ts
   * await known.remove('listener-name.local', 4433);
   * ```
   * @returns how many entries were removed
   * @throws IdentityError ITEM_NOT_FOUND when nothing matched
   */
  async remove(host: string, port?: number): Promise<number> {
    const key = checkEndpoint(host, port ?? 1);
    let removed = 0;
    await this.#update((data) => {
      const keep = data.hosts.filter((h) => !(h.host === key.host && (port === undefined || h.port === key.port)));
      removed = data.hosts.length - keep.length;
      if (removed === 0) {
        throw new IdentityError('ITEM_NOT_FOUND', `known hosts ${this.file}: expected an entry for ${formatEndpoint(key.host, port)}; found none`, { details: { host: key.host, port } });
      }
      data.hosts = keep;
    });
    return removed;
  }

  /**
   * Records a CA: chains that pass it are accepted for `host` (and `port`), or for every host when
   * no host is given — even when the host's leaf key changes. Passing means evaluateTrust's TLS
   * server evaluation with the CA as the only anchor (chain, dates, CA constraints, serverAuth);
   * for a CA recorded for a host, the dialed host must be in the leaf's subjectAltName too. See
   * {@link KnownHosts.check} and docs/stores.md.
   *
   * @example
   * ```ts
   * await known.addAuthority(ca.certificate, { host: 'listener-name.local' });
   * ```
   * @returns the CA's fingerprint
   * @throws TrustError NOT_A_CA
   */
  async addAuthority(certificate: CertificateInput, scope: { host?: string; port?: number } = {}): Promise<string> {
    knownKeys('addAuthority scope', scope, ['host', 'port']);
    const cert = Certificate.from(certificate);
    if (!cert.isCA) throw new TrustError('NOT_A_CA', `known hosts: expected a CA certificate; found ${cert.subject}, which is not a CA`, { hint: 'to accept one server key, let tofu() record it or call known.record()' });
    const key = scope.host === undefined ? undefined : checkEndpoint(scope.host, scope.port ?? 1);
    await this.#update((data) => {
      data.authorities = data.authorities.filter((a) => !(sameScope(a, key?.host, scope.port) && Certificate.from(a.pem).fingerprintSha256 === cert.fingerprintSha256));
      data.authorities.push({ ...(key ? { host: key.host } : {}), ...(scope.port !== undefined ? { port: key!.port } : {}), pem: cert.toPEM(), addedAt: new Date().toISOString() });
    });
    return cert.fingerprintSha256;
  }

  /** Recorded CAs. @example `for (const a of await known.authorities()) console.log(a.subject, a.host ?? '(all hosts)')` */
  async authorities(): Promise<KnownAuthority[]> {
    return (await this.#read()).authorities.map(toAuthority);
  }

  /**
   * Removes a recorded CA by fingerprint (every scope it was recorded for).
   *
   * @example
   * ```ts
   * await known.removeAuthority(fingerprint);
   * ```
   * @throws IdentityError ITEM_NOT_FOUND
   */
  async removeAuthority(fingerprint: string): Promise<void> {
    const wanted = nonEmptyString('fingerprint', fingerprint).replace(/:/g, '').toUpperCase();
    await this.#update((data) => {
      const keep = data.authorities.filter((a) => Certificate.from(a.pem).fingerprintSha256.replace(/:/g, '') !== wanted);
      if (keep.length === data.authorities.length) throw new IdentityError('ITEM_NOT_FOUND', `known hosts ${this.file}: expected a CA with fingerprint ${fingerprint}; found none`);
      data.authorities = keep;
    });
  }

  /**
   * Checks a presented chain, dialed as host:port, against the file without changing it:
   * - 'known': the recorded key of host:port;
   * - 'authority': the chain passes a CA recorded for the host or for every host (see
   *   docs/stores.md: the evaluation of `evaluateTrust` under the TLS server policy);
   * - 'refused': no key is recorded, a CA is recorded for this host, and the chain does not pass it;
   * - 'changed': a different key is recorded (and no CA accepts the chain);
   * - 'unknown': nothing is recorded for host:port and no CA for this host.
   *
   * `authority` is the recorded CAs' verdict (with evaluateTrust's codes and explanation) whenever
   * a CA applies to the host.
   *
   * @example
   * ```ts
   * const { status, entry, authority } = await known.check('listener-name.local', 4433, chain);
   * if (status === 'refused') console.error(authority!.explain());
   * ```
   */
  async check(host: string, port: number, chain: readonly Certificate[], time: Date = new Date()): Promise<KnownHostCheck> {
    const key = checkEndpoint(host, port);
    if (!chain[0]) throw new ConfigError('INVALID_OPTION', 'chain: expected at least the leaf certificate; found none');
    const data = await this.#read();
    const found = data.hosts.find((h) => h.host === key.host && h.port === key.port);
    const entry = found && toKnownHost(found);
    if (entry && entry.spkiSha256 === chain[0].spkiSha256.base64) return { status: 'known', entry, authority: undefined };
    const forHost = data.authorities.filter((a) => a.host === key.host && (a.port === undefined || a.port === key.port)).map((a) => Certificate.from(a.pem));
    const forAllHosts = data.authorities.filter((a) => a.host === undefined).map((a) => Certificate.from(a.pem));
    const authority = authorityVerdict(chain, key.host, { forHost, forAllHosts }, time);
    if (authority?.trusted) return { status: 'authority', entry, authority };
    if (entry) return { status: 'changed', entry, authority };
    return { status: forHost.length > 0 ? 'refused' : 'unknown', entry, authority };
  }

  /** A short description. */
  toString(): string {
    return `KnownHosts(${this.file})`;
  }

  get #lockPath(): string {
    return `${this.file}.lock`;
  }

  #read(): Promise<KnownHostsData> {
    return readKnownHostsFile(this.file, this.#allowInsecure);
  }

  async #update(change: (data: KnownHostsData) => void): Promise<void> {
    await withLock(this.#lockPath, async () => {
      const data = await this.#read();
      change(data);
      await writeKnownHostsFile(this.file, data);
    }, this.#lock);
  }
}

function sameScope(a: FileAuthority, host: string | undefined, port: number | undefined): boolean {
  return a.host === host && a.port === port;
}
