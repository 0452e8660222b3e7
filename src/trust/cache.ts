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
