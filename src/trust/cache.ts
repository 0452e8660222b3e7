/**
 * A bounded LRU of evaluation outcomes, keyed by (chain, intermediates, anchors, policy) and valid
 * only for a time window in which no involved certificate starts or stops being valid. So a cached
 * verdict never outlives a certificate's validity, and an evaluation `time` outside the window is
 * always evaluated afresh.
 */
import { createHash, type Hash } from 'node:crypto';
import { Certificate } from '../cert/certificate.js';

/** What is remembered about one evaluation. */
export interface CachedOutcome {
  /** The chosen path, leaf first. */
  path: readonly Certificate[];
  /** True when the path ends at an anchor. */
  anchored: boolean;
  /** True when the path passed every check. */
  trusted: boolean;
  /** Findings from path building (time-independent: NOT_TRUSTED, BAD_SIGNATURE). */
  searchFindings: readonly { code: 'NOT_TRUSTED' | 'BAD_SIGNATURE'; message: string; certificateIndex?: number }[];
  /** The outcome holds for evaluation times t with `validFrom <= t < validUntil` (ms). */
  validFrom: number;
  validUntil: number;
}

/**
 * A small LRU map. `maxEntries` default 256.
 * @example
 * ```ts
 * const lru = new LruCache<string, number>(2); lru.set('a', 1); lru.get('a') // 1
 * ```
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  constructor(readonly maxEntries = 256) {}

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) { this.#map.delete(key); this.#map.set(key, value); }
    return value;
  }

  set(key: K, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    while (this.#map.size > this.maxEntries) this.#map.delete(this.#map.keys().next().value as K);
  }

  /** The value for `key` without marking it recently used. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  delete(key: K): void {
    this.#map.delete(key);
  }

  clear(): void {
    this.#map.clear();
  }

  get size(): number {
    return this.#map.size;
  }
}

/** The process-wide verdict cache used by evaluateTrust. */
export const verdictCache = new LruCache<string, CachedOutcome>(256);

/** A trusted verdict remembered by the identity of the (immutable) inputs it was computed from. */
interface KnownTrusted {
  readonly anchors: unknown;
  readonly policy: unknown;
  readonly key: string;
  readonly outcome: CachedOutcome;
}

/**
 * The last trusted verdict per frozen chain array. A client that resumes a session passes the same
 * frozen chain (its session-cache entry), the same frozen anchor list and the same frozen policy on
 * every connection: those inputs cannot change, so the verdict-cache key derived from them cannot
 * either, and re-validating and re-keying them (most of an evaluation's cost on that path) is
 * skipped. The outcome is still the verdict cache's own entry — `clearTrustCache()` or an eviction
 * ends it — and still holds only inside its validity window (checked by the caller).
 */
const knownTrusted = new WeakMap<readonly unknown[], KnownTrusted>();

/**
 * Remembers a trusted `outcome` stored under `key` for these exact inputs, when all of them are
 * immutable: a frozen chain of Certificate objects, a frozen anchor list of immutable items, and a
 * policy that is undefined or `immutablePolicy` says is frozen data.
 */
export function rememberTrusted(chain: unknown, anchors: unknown, policy: unknown, immutablePolicy: boolean, key: string, outcome: CachedOutcome): void {
  if (!outcome.trusted || !Array.isArray(chain) || !Object.isFrozen(chain) || !chain.every((c) => c instanceof Certificate)) return;
  if (!Array.isArray(anchors) || frozenDigest(anchors) === undefined || !immutablePolicy) return;
  knownTrusted.set(chain, { anchors, policy, key, outcome });
}

/** The trusted outcome remembered for exactly these input objects, while the verdict cache still holds it. */
export function knownTrustedOutcome(chain: unknown, anchors: unknown, policy: unknown): CachedOutcome | undefined {
  if (!Array.isArray(chain)) return undefined;
  const known = knownTrusted.get(chain);
  if (known === undefined || known.anchors !== anchors || known.policy !== policy) return undefined;
  return verdictCache.peek(known.key) === known.outcome ? known.outcome : undefined;
}

/**
 * Empties the verdict cache (for tests, or after changing the trust store in place).
 * @example `clearTrustCache()`
 */
export function clearTrustCache(): void {
  verdictCache.clear();
}

function update(hash: Hash, items: readonly unknown[]): void {
  for (const item of items) {
    if (item instanceof Certificate) hash.update(`c${item.fingerprintSha256}`);
    else if (typeof item === 'string') hash.update(`s${item.length}:`).update(item);
    else if (item instanceof Uint8Array) hash.update(`b${item.length}:`).update(item);
    else if (item instanceof ArrayBuffer) hash.update(`b${item.byteLength}:`).update(new Uint8Array(item));
    hash.update('\n');
  }
}

/**
 * The cache key of an evaluation's inputs (inputs are hashed as given: DER, PEM or Certificate).
 * The common case — a chain of Certificate objects against a frozen anchor list (what connect()
 * and the listener pass) — is keyed without hashing: certificates by their SHA-256 fingerprints,
 * the frozen anchor list by a digest computed once per list object.
 */
export function cacheKey(chain: readonly unknown[], intermediates: readonly unknown[], anchors: readonly unknown[], policyKey: string): string {
  const anchorsDigest = intermediates.length === 0 && Object.isFrozen(anchors) && chain.every((c) => c instanceof Certificate) ? frozenDigest(anchors) : undefined;
  if (anchorsDigest !== undefined) {
    let key = 'f';
    for (const cert of chain as readonly Certificate[]) key += `${cert.fingerprintSha256},`;
    return `${key}|a|${anchorsDigest}|p|${policyKey}`;
  }
  const hash = createHash('sha256');
  update(hash, chain);
  hash.update('|i|');
  update(hash, intermediates);
  hash.update('|a|');
  update(hash, anchors);
  hash.update(`|p|${policyKey}`);
  return hash.digest('base64');
}

/**
 * Digests of frozen anchor lists of immutable items (Certificate objects, PEM text): such a list
 * cannot change, so neither can its digest. Undefined for a list holding bytes (changeable in place).
 */
const frozenDigests = new WeakMap<readonly unknown[], string | null>();

function frozenDigest(items: readonly unknown[]): string | undefined {
  if (!Object.isFrozen(items)) return undefined;
  let known = frozenDigests.get(items);
  if (known === undefined) {
    if (items.every((item) => item instanceof Certificate || typeof item === 'string')) {
      const hash = createHash('sha256');
      update(hash, items);
      known = hash.digest('base64');
    } else {
      known = null;
    }
    frozenDigests.set(items, known);
  }
  return known ?? undefined;
}

/** The window around `time` in which no certificate's validity changes: [from, until). */
export function validityWindow(certs: readonly Certificate[], time: number): { from: number; until: number } {
  let from = -Infinity;
  let until = Infinity;
  for (const cert of certs) {
    for (const boundary of [cert.notBefore.getTime(), cert.notAfter.getTime() + 1000]) {
      if (boundary <= time) { if (boundary > from) from = boundary; }
      else if (boundary < until) until = boundary;
    }
  }
  return { from, until };
}
