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
   * resolved (cached until the directory changes). Default: true for clients, false for listeners.
   */
  trustStore?: boolean | string;
}

/** Resolved anchors and a stable key describing them (used in session-cache keys). */
export interface ResolvedAnchors {
  readonly certificates: readonly Certificate[];
  /** SHA-256 fingerprints of the caller's roots, sorted, plus '+system' when system roots are in. */
  readonly key: string;
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
  resolved = Object.freeze({ certificates: Object.freeze(system ? [...own, ...systemRootCertificates()] : [...own]), key });
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
  const roots = options.trustRoots ?? [];
  if (!Array.isArray(roots)) throw new ConfigError('INVALID_OPTION', `${name}: expected an array of certificates (PEM, DER or Certificate); found ${describe(roots)}`);
  const own = roots.map((root, i) => {
    try { return Certificate.from(root); }
    catch (cause) { throw new ConfigError('INVALID_OPTION', `${name}[${i}]: expected a certificate (PEM, DER or Certificate); found ${describe(root)}`, { cause }); }
  });
  const store = options.trustStore ?? systemDefault;
  if (typeof store !== 'boolean' && (typeof store !== 'string' || store.length === 0)) {
    throw new ConfigError('INVALID_OPTION', `trustStore: expected true, false or a trust store directory; found ${describe(store)}`);
  }
  if (store !== false) own.push(...installedRootsSync(typeof store === 'string' ? { dir: store } : {}));
  const system = options.systemRoots ?? systemDefault;
  const fingerprints = own.map((c) => c.fingerprintSha256);
  const order = fingerprints.join(',') + (system ? '+system' : '');
  const key = fingerprints.sort().join(',') + (system ? '+system' : '');
  let resolved: ResolvedAnchors | undefined;
  return {
    key,
    load: () => (resolved ??= sharedAnchors(order, own, system, key)),
  };
}
