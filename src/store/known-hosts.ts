/**
 * Known hosts: trust on first use (TOFU), as SSH does. The first connection to host:port records
 * the leaf's public-key pin (SPKI SHA-256), after an optional approval; later connections must
 * present the same key, or a chain to a CA recorded for that host (or for all hosts). A changed
 * key fails with KNOWN_HOST_CHANGED, showing both fingerprints, until the entry is removed.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve, basename } from 'node:path';
import { ConfigError, IdentityError, LocalTlsError, TrustError } from '../errors.js';
import { describe, functionOption, integerIn, knownKeys, nonEmptyString } from '../internal/options.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { verifyCertificateSignature } from '../cert/signature.js';
import { withLock, type LockOptions } from './lock.js';
import { checkStats } from './permissions.js';
import { storePaths } from './paths.js';
import { cleanStaleTemps, prepareDirectory } from './store-directory.js';

/**
 * The part of a connection's verify-hook context that {@link tofu} reads. The transport's context
 * has more (serverName, evaluate, …); any object with these fields works.
 */
export interface TofuVerifyContext {
  /** The peer's chain as sent, leaf first. */
  readonly peerCertificates: readonly Certificate[];
  /** The host as dialed (name or IP address). */
  readonly host: string;
  /** The port dialed. */
  readonly port: number;
}

/** A recorded host key. */
export interface KnownHost {
  /** Host as dialed, lower case, without brackets or trailing dot. */
  host: string;
  /** Port. */
  port: number;
  /** SHA-256 of the leaf's public key (base64): the pin. */
  spkiSha256: string;
  /** SHA-256 of the leaf certificate seen first (colon hex), for people comparing fingerprints. */
  fingerprintSha256: string;
  /** Subject of that certificate. */
  subject: string;
  /** When it was recorded. */
  addedAt: Date;
}

/** A CA whose chains are accepted for a host (or for every host when `host` is undefined). */
export interface KnownAuthority {
  /** SHA-256 of the CA certificate (colon hex). */
  fingerprintSha256: string;
  /** Its subject. */
  subject: string;
  /** Only for this host, when set. */
  host: string | undefined;
  /** Only for this port, when set (with `host`). */
  port: number | undefined;
  /** When it was recorded. */
  addedAt: Date;
  /** The CA certificate. */
  certificate: Certificate;
}

/** What {@link tofu}'s `approve` callback is told about a host seen for the first time. */
export interface TofuApproval {
  host: string;
  port: number;
  /** The leaf certificate presented. */
  certificate: Certificate;
  /** Its SHA-256 fingerprint (colon hex), to compare out of band. */
  fingerprintSha256: string;
  /** Its public-key pin (SPKI SHA-256, base64). */
  spkiSha256: string;
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

/** Options of {@link tofu}. */
export interface TofuOptions extends KnownHostsOptions {
  /** Asked before a new host is recorded; return false to refuse the connection. Default: approve every new host. */
  approve?: (info: TofuApproval) => boolean | Promise<boolean>;
  /** The time for validity checks of CA chains. Default: now. */
  time?: Date;
}

interface FileHost { host: string; port: number; spkiSha256: string; fingerprintSha256: string; subject: string; addedAt: string }
interface FileAuthority { host?: string; port?: number; pem: string; addedAt: string }
interface FileShape { format: 'localtls-known-hosts'; version: 1; hosts: FileHost[]; authorities: FileAuthority[] }

const FORMAT = 'localtls-known-hosts';
const MAX_DEPTH = 8;

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
    const allowInsecure = options.allowInsecurePermissions ?? false;
    if (typeof allowInsecure !== 'boolean') throw new ConfigError('INVALID_OPTION', `allowInsecurePermissions: expected true or false; found ${describe(allowInsecure)}`);
    await prepareDirectory(dirname(file), { rule: 'not-writable', allowInsecure });
    const known = new KnownHosts(file, allowInsecure, options.lock ?? {});
    await withLock(known.#lockPath, () => cleanStaleTemps(dirname(file), basename(file) + '-'), { ...options.lock, timeoutMs: 0 }).catch((e: unknown) => {
      if (!(e instanceof LocalTlsError && e.code === 'STORE_LOCKED')) throw e;
    });
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
    const cert = Certificate.from(leaf);
    const entry: FileHost = { ...key, spkiSha256: cert.spkiSha256.base64, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject, addedAt: new Date().toISOString() };
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
    const cert = Certificate.from(leaf);
    let result: FileHost = { ...key, spkiSha256: cert.spkiSha256.base64, fingerprintSha256: cert.fingerprintSha256, subject: cert.subject, addedAt: new Date().toISOString() };
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
   * Records a CA: chains to it are accepted for `host` (and `port`), or for every host when no host
   * is given — even when the host's leaf key changes.
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
   * Checks a presented chain against the file without changing it: 'known' (same key), 'authority'
   * (chains to a recorded CA), 'changed' (a different key is recorded) or 'unknown'.
   *
   * @example
   * ```ts
   * const { status, entry } = await known.check('listener-name.local', 4433, chain);
   * ```
   */
  async check(host: string, port: number, chain: readonly Certificate[], time: Date = new Date()): Promise<{ status: 'known' | 'authority' | 'changed' | 'unknown'; entry: KnownHost | undefined }> {
    const key = checkEndpoint(host, port);
    const leaf = chain[0];
    if (!leaf) throw new ConfigError('INVALID_OPTION', 'chain: expected at least the leaf certificate; found none');
    const data = await this.#read();
    const found = data.hosts.find((h) => h.host === key.host && h.port === key.port);
    const entry = found && toKnownHost(found);
    if (entry && entry.spkiSha256 === leaf.spkiSha256.base64) return { status: 'known', entry };
    const cas = data.authorities.filter((a) => a.host === undefined || (a.host === key.host && (a.port === undefined || a.port === key.port))).map((a) => Certificate.from(a.pem));
    if (cas.length > 0 && chainsToAuthority(chain, cas, time)) return { status: 'authority', entry };
    return { status: entry ? 'changed' : 'unknown', entry };
  }

  /** A short description. */
  toString(): string {
    return `KnownHosts(${this.file})`;
  }

  get #lockPath(): string {
    return `${this.file}.lock`;
  }

  async #read(): Promise<FileShape> {
    let text: string;
    try {
      if (!this.#allowInsecure) checkStats(this.file, await stat(this.file), 'not-writable');
      text = await readFile(this.file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return { format: FORMAT, version: 1, hosts: [], authorities: [] };
      if (cause instanceof LocalTlsError) throw cause;
      throw new LocalTlsError('IO_ERROR', `known hosts ${this.file}: expected to read it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
    }
    try {
      const data = JSON.parse(text) as FileShape;
      if (data.format !== FORMAT || data.version !== 1 || !Array.isArray(data.hosts) || !Array.isArray(data.authorities)) throw new Error('it is not a version 1 localtls known-hosts file');
      for (const h of data.hosts) if (typeof h.host !== 'string' || !Number.isInteger(h.port) || typeof h.spkiSha256 !== 'string') throw new Error('a host entry lacks host, port or spkiSha256');
      for (const a of data.authorities) Certificate.from(a.pem);
      return data;
    } catch (cause) {
      throw new IdentityError('CORRUPT_ITEM', `known hosts ${this.file}: expected a localtls known-hosts file; found one that does not parse (${(cause as Error).message})`, {
        hint: 'fix or remove the file; until then no host can be verified against it', cause, details: { file: this.file },
      });
    }
  }

  async #update(change: (data: FileShape) => void): Promise<void> {
    await withLock(this.#lockPath, async () => {
      const data = await this.#read();
      change(data);
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', 0o600);
    }, this.#lock);
  }
}

/**
 * A verify hook that trusts on first use. First connection to host:port: `approve` (if given) is
 * asked, then the leaf's key is recorded and the hook returns true. Later: true for the same key
 * or a chain to a recorded CA; a different key throws KNOWN_HOST_CHANGED with both fingerprints.
 * Returns false when `approve` refuses or the peer sent no certificate.
 *
 * @example
 * ```ts
 * const conn = connect('printer.local', 4433, {
 *   verify: tofu({ approve: ({ fingerprintSha256 }) => askUser(`trust ${fingerprintSha256}?`) }),
 * });
 * ```
 * @throws TrustError KNOWN_HOST_CHANGED (from the returned hook)
 */
export function tofu(options: TofuOptions = {}): (ctx: TofuVerifyContext) => Promise<boolean> {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `tofu: expected { file?, approve? }; found ${describe(options)}`);
  knownKeys('tofu', options, ['file', 'approve', 'time', 'allowInsecurePermissions', 'lock']);
  const approve = options.approve === undefined ? undefined : functionOption<NonNullable<TofuOptions['approve']>>('approve', options.approve);
  const { approve: _a, time, ...storeOptions } = options;
  let opened: Promise<KnownHosts> | undefined;
  return async (ctx) => {
    const known = await (opened ??= KnownHosts.open(storeOptions).catch((e: unknown) => { opened = undefined; throw e; }));
    const leaf = ctx.peerCertificates[0];
    if (!leaf) return false;
    const verdict = await known.check(ctx.host, ctx.port, ctx.peerCertificates, time ?? new Date());
    if (verdict.status === 'known' || verdict.status === 'authority') return true;
    if (verdict.status === 'changed') throw changed(known.file, verdict.entry!, leaf);
    const approval: TofuApproval = { host: ctx.host, port: ctx.port, certificate: leaf, fingerprintSha256: leaf.fingerprintSha256, spkiSha256: leaf.spkiSha256.base64 };
    if (approve && (await approve(approval)) !== true) return false;
    // Another connection may have recorded a key meanwhile: record only if still absent, then compare.
    const entry = await known.recordIfNew(ctx.host, ctx.port, leaf);
    if (entry.spkiSha256 !== leaf.spkiSha256.base64) throw changed(known.file, entry, leaf);
    return true;
  };
}

function changed(file: string, entry: KnownHost, leaf: Certificate): TrustError {
  const where = formatEndpoint(entry.host, entry.port);
  return new TrustError('KNOWN_HOST_CHANGED',
    `${where}: expected the key recorded on ${entry.addedAt.toISOString()} (certificate SHA-256 ${entry.fingerprintSha256}, key pin ${entry.spkiSha256}); ` +
    `found a different key (certificate SHA-256 ${leaf.fingerprintSha256}, key pin ${leaf.spkiSha256.base64}, subject ${leaf.subject})`, {
      hint: `if the server's key changed on purpose, check the new fingerprint out of band, then remove the entry: (await KnownHosts.open({ file: '${file}' })).remove('${entry.host}', ${entry.port})`,
      details: { host: entry.host, port: entry.port, oldFingerprintSha256: entry.fingerprintSha256, newFingerprintSha256: leaf.fingerprintSha256, oldSpkiSha256: entry.spkiSha256, newSpkiSha256: leaf.spkiSha256.base64 },
    });
}

/** A basic chain check to a recorded CA: issuer names, signatures, dates, CA flag on issuers. */
function chainsToAuthority(chain: readonly Certificate[], authorities: readonly Certificate[], time: Date): boolean {
  let current = chain[0]!;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!validAt(current, time)) return false;
    if (authorities.some((ca) => ca.fingerprintSha256 === current.fingerprintSha256)) return true;
    if (authorities.some((ca) => validAt(ca, time) && issuedBy(current, ca))) return true;
    const next = chain.find((c) => c !== current && c.isCA && issuedBy(current, c));
    if (!next) return false;
    current = next;
  }
  return false;
}

function issuedBy(cert: Certificate, issuer: Certificate): boolean {
  if (!issuer.isCA || Buffer.compare(cert.issuerDer, issuer.subjectDer) !== 0) return false;
  try {
    return verifyCertificateSignature(cert, issuer.publicKeyObject());
  } catch {
    return false;
  }
}

function validAt(cert: Certificate, time: Date): boolean {
  return cert.notBefore.getTime() <= time.getTime() && time.getTime() <= cert.notAfter.getTime();
}

function checkEndpoint(host: unknown, port: unknown): { host: string; port: number } {
  const name = nonEmptyString('host', host).trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name.length === 0) throw new ConfigError('INVALID_OPTION', `host: expected a host name or address; found ${describe(host)}`);
  return { host: name, port: integerIn('port', port, 1, 65535) };
}

function formatEndpoint(host: string, port: number | undefined): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

function sameScope(a: FileAuthority, host: string | undefined, port: number | undefined): boolean {
  return a.host === host && a.port === port;
}

function toKnownHost(h: FileHost): KnownHost {
  return { host: h.host, port: h.port, spkiSha256: h.spkiSha256, fingerprintSha256: h.fingerprintSha256, subject: h.subject, addedAt: new Date(h.addedAt) };
}

function toAuthority(a: FileAuthority): KnownAuthority {
  const certificate = Certificate.from(a.pem);
  return { fingerprintSha256: certificate.fingerprintSha256, subject: certificate.subject, host: a.host, port: a.port, addedAt: new Date(a.addedAt), certificate };
}
