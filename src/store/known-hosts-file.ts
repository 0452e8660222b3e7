/**
 * The known-hosts file on disk: a JSON object `{ format: 'localtls-known-hosts', version: 1,
 * hosts, authorities }` — host keys by host:port and CA certificates (PEM) with an optional
 * host/port scope — and the public views of its entries. See docs/stores.md.
 */
import { IdentityError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { Certificate } from '../cert/certificate.js';
import { readStoreFile } from './store-files.js';
import { canonicalKnownHost, type HostEndpoint } from './host-endpoint.js';

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

/** A host entry as stored. */
export interface FileHost { host: string; port: number; spkiSha256: string; fingerprintSha256: string; subject: string; addedAt: string }
/** A CA entry as stored; no host means every host. */
export interface FileAuthority { host?: string; port?: number; pem: string; addedAt: string }
/** The whole file. */
export interface KnownHostsData { format: 'localtls-known-hosts'; version: 1; hosts: FileHost[]; authorities: FileAuthority[] }

const FORMAT = 'localtls-known-hosts';

/**
 * Reads and checks the known-hosts file (its permissions first, unless `allowInsecure`). Hosts are
 * migrated to their canonical form ({@link canonicalizeHosts}); the next write stores that form.
 *
 * @example
 * ```ts
 * const data = await readKnownHostsFile('/home/ana/.local/share/localtls/known_hosts.json', false);
 * ```
 * @returns the content; an empty file's content when it does not exist
 * @throws IdentityError CORRUPT_ITEM, INSECURE_PERMISSIONS; LocalTlsError IO_ERROR
 */
export async function readKnownHostsFile(file: string, allowInsecure: boolean): Promise<KnownHostsData> {
  const text = await readStoreFile(file, { what: 'known hosts', rule: 'not-writable', allowInsecure });
  if (text === undefined) return { format: FORMAT, version: 1, hosts: [], authorities: [] };
  try {
    const data = JSON.parse(text) as KnownHostsData;
    if (data.format !== FORMAT || data.version !== 1 || !Array.isArray(data.hosts) || !Array.isArray(data.authorities)) throw new Error('it is not a version 1 localtls known-hosts file');
    for (const h of data.hosts) if (typeof h.host !== 'string' || !Number.isInteger(h.port) || typeof h.spkiSha256 !== 'string') throw new Error('a host entry lacks host, port or spkiSha256');
    for (const a of data.authorities) Certificate.from(a.pem);
    return canonicalizeHosts(data);
  } catch (cause) {
    throw new IdentityError('CORRUPT_ITEM', `known hosts ${file}: expected a localtls known-hosts file; found one that does not parse (${(cause as Error).message})`, {
      hint: 'fix or remove the file; until then no host can be verified against it', cause, details: { file },
    });
  }
}

/**
 * Migrates entries written before hosts were canonical (`0:0:0:0:0:0:0:1`, `Desk.LOCAL.`) to the
 * canonical form of {@link canonicalKnownHost}, host entries and authority scopes alike. When two
 * host entries become one host:port, the one recorded first is kept: it is the first use.
 *
 * @example
 * ```ts
 * canonicalizeHosts(data).hosts.map((h) => h.host);   // ['::1', 'desk.local']
 * ```
 */
export function canonicalizeHosts(data: KnownHostsData): KnownHostsData {
  const byEndpoint = new Map<string, FileHost>();
  for (const h of data.hosts) {
    const entry = { ...h, host: canonicalKnownHost(h.host) };
    const key = `${entry.port} ${entry.host}`;
    const earlier = byEndpoint.get(key);
    if (!earlier || Date.parse(entry.addedAt) < Date.parse(earlier.addedAt)) byEndpoint.set(key, entry);
  }
  const authorities = data.authorities.map((a) => (a.host === undefined ? a : { ...a, host: canonicalKnownHost(a.host) }));
  return { ...data, hosts: [...byEndpoint.values()], authorities };
}

/**
 * Writes the known-hosts file atomically (mode 0600), as indented JSON.
 *
 * @example
 * ```ts
 * await writeKnownHostsFile(file, data);
 * ```
 * @throws LocalTlsError IO_ERROR
 */
export async function writeKnownHostsFile(file: string, data: KnownHostsData): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n', 0o600);
}

/**
 * The entry that records `leaf`'s key for `endpoint`, added now.
 *
 * @example
 * ```ts
 * data.hosts.push(hostEntry({ host: 'printer.local', port: 4433 }, leaf));
 * ```
 */
export function hostEntry(endpoint: HostEndpoint, leaf: Certificate): FileHost {
  return { ...endpoint, spkiSha256: leaf.spkiSha256.base64, fingerprintSha256: leaf.fingerprintSha256, subject: leaf.subject, addedAt: new Date().toISOString() };
}

/**
 * The public view of a host entry.
 *
 * @example
 * ```ts
 * const hosts = data.hosts.map(toKnownHost);
 * ```
 */
export function toKnownHost(h: FileHost): KnownHost {
  return { host: h.host, port: h.port, spkiSha256: h.spkiSha256, fingerprintSha256: h.fingerprintSha256, subject: h.subject, addedAt: new Date(h.addedAt) };
}

/**
 * The public view of a CA entry, with its certificate parsed.
 *
 * @example
 * ```ts
 * const authorities = data.authorities.map(toAuthority);
 * ```
 */
export function toAuthority(a: FileAuthority): KnownAuthority {
  const certificate = Certificate.from(a.pem);
  return { fingerprintSha256: certificate.fingerprintSha256, subject: certificate.subject, host: a.host, port: a.port, addedAt: new Date(a.addedAt), certificate };
}
