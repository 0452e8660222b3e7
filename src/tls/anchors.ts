/**
 * Trust anchors for peer verification: the roots the caller passed, plus (for clients, by default)
 * the roots installed in the trust store (TrustStore) and the system roots node:tls ships. This is
 * the one place anchors are assembled.
 */
import { rootCertificates } from 'node:tls';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';
import { installedRootsSync } from '../store/trust-store.js';

/** Where anchors come from. */
export interface AnchorOptions {
  /** Extra roots to trust (your local CA). Default: none. */
  trustRoots?: readonly CertificateInput[];
  /** Include node:tls's bundled root certificates. Default: true for clients, false for listeners. */
  systemRoots?: boolean;
  /**
   * Include the roots installed in a trust store (see TrustStore): true = the default store
   * (`<localtls home>/trust`), a string = that directory, false = none. Read when the options are
   * resolved (cached until the directory changes; the directory is looked at at most once a second,
   * at once after a TrustStore add/remove in this process). Default: true for clients, false for listeners.
   */
  trustStore?: boolean | string;
}

/**
 * Resolved anchors and a stable key describing them (used in session-cache keys).
 * `certificates` (own + system roots) is built on first read: a chain that anchors at one of the
 * `own` roots is verified without ever parsing the ~140 system roots (see verify-context.ts).
 */
export interface ResolvedAnchors {
  /** Every anchor: the caller's and the trust store's roots, then (when enabled) the system roots. */
  readonly certificates: readonly Certificate[];
  /** The caller's roots and the trust store's roots only. */
  readonly own: readonly Certificate[];
  /** True when the system roots are part of {@link ResolvedAnchors.certificates}. */
  readonly includesSystem: boolean;
  /** SHA-256 fingerprints of the caller's roots, sorted, plus '+system' when system roots are in. */
  readonly key: string;
}

/** One resolved anchor set; the system roots are joined in lazily. */
class AnchorSet implements ResolvedAnchors {
  #all: readonly Certificate[] | undefined;
  constructor(readonly own: readonly Certificate[], readonly includesSystem: boolean, readonly key: string) {}

  get certificates(): readonly Certificate[] {
    return (this.#all ??= this.includesSystem ? Object.freeze([...this.own, ...systemRootCertificates()]) : this.own);
  }
}

let systemCache: readonly Certificate[] | undefined;

/**
 * Resolved anchor lists shared between resolutions of the same roots in the same order (keyed by
 * their SHA-256 fingerprints): every connect() resolves its options, and a fresh copy of the system
 * roots per connection cost about 1.2 KB each. Certificates are immutable, so equal fingerprints
 * mean interchangeable objects. Bounded: least recently used beyond {@link MAX_SHARED} are dropped.
 */
const shared = new Map<string, ResolvedAnchors>();
const MAX_SHARED = 64;

function sharedAnchors(order: string, own: readonly Certificate[], system: boolean, key: string): ResolvedAnchors {
  let resolved = shared.get(order);
  if (resolved && resolved.key === key) { shared.delete(order); shared.set(order, resolved); return resolved; }
  resolved = new AnchorSet(Object.freeze([...own]), system, key);
  shared.set(order, resolved);
  if (shared.size > MAX_SHARED) shared.delete(shared.keys().next().value as string);
  return resolved;
}

/** node:tls's bundled roots, parsed once (lazily, on first use). @example `systemRootCertificates().length > 100` */
export function systemRootCertificates(): readonly Certificate[] {
  if (!systemCache) {
    const parsed: Certificate[] = [];
    for (const pem of rootCertificates) {
      try { parsed.push(Certificate.from(pem)); } catch { /* a root our parser cannot read cannot anchor a chain either */ }
    }
    systemCache = Object.freeze(parsed);
  }
  return systemCache;
}

/**
 * Parses the caller's roots now (so a bad root is a ConfigError at `connect`/`createListener`
 * time) and returns a function that yields the full anchor list when a verification needs it.
 *
 * @example
 * ```ts
 * const anchors = resolveAnchors({ trustRoots: [ca.certificate] }, true);
 * anchors.key; // 'AB:CD...+system'
 * ```
 */
export function resolveAnchors(options: AnchorOptions, systemDefault: boolean, name = 'trustRoots'): { key: string; load(): ResolvedAnchors } {
  const roots = options.trustRoots ?? NO_ROOTS;
  if (!Array.isArray(roots)) throw new ConfigError('INVALID_OPTION', `${name}: expected an array of certificates (PEM, DER or Certificate); found ${describe(roots)}`);
  const store = options.trustStore ?? systemDefault;
  if (typeof store !== 'boolean' && (typeof store !== 'string' || store.length === 0)) {
    throw new ConfigError('INVALID_OPTION', `trustStore: expected true, false or a trust store directory; found ${describe(store)}`);
  }
  // The store is asked on every resolution (it looks at its directory at most once a second, at
  // once after an add/remove in this process); it hands back the same frozen array while unchanged.
  const installed = store === false ? NO_CERTIFICATES : installedRootsSync(typeof store === 'string' ? { dir: store } : {});
  const system = options.systemRoots ?? systemDefault;
  const memo = resolutions.get(roots);
  if (memo && memo.installed === installed && memo.system === system && sameItems(memo.items, roots)) return memo.result;
  const own = roots.map((root, i) => {
    try { return Certificate.from(root); }
    catch (cause) { throw new ConfigError('INVALID_OPTION', `${name}[${i}]: expected a certificate (PEM, DER or Certificate); found ${describe(root)}`, { cause }); }
  });
  own.push(...installed);
  const fingerprints = own.map((c) => c.fingerprintSha256);
  const order = fingerprints.join(',') + (system ? '+system' : '');
  const key = fingerprints.sort().join(',') + (system ? '+system' : '');
  let resolved: ResolvedAnchors | undefined;
  const result = { key, load: () => (resolved ??= sharedAnchors(order, own, system, key)) };
  // Only immutable items (PEM text, Certificate objects) are remembered: DER bytes could change in place.
  if (roots.every((r) => typeof r === 'string' || r instanceof Certificate)) resolutions.set(roots, { items: [...roots], installed, system, result });
  return result;
}

const NO_ROOTS: readonly CertificateInput[] = Object.freeze([]);
const NO_CERTIFICATES: readonly Certificate[] = Object.freeze([]);

/**
 * The last resolution per `trustRoots` array (most apps pass the same array to every connect()):
 * valid while the array holds the same items, the trust store handed back the same roots and
 * `systemRoots` is the same. Saves parsing PEM roots and re-deriving the key on every connection.
 */
const resolutions = new WeakMap<readonly CertificateInput[], { items: readonly CertificateInput[]; installed: readonly Certificate[]; system: boolean; result: { key: string; load(): ResolvedAnchors } }>();

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
