/**
 * A multicast DNS record cache: answers kept for their TTL, goodbyes (TTL 0) removing them at
 * once, and the cache-flush bit replacing a record set (RFC 6762 §10.1–10.2).
 */
import type { Answer } from 'dns-packet';
import { canonicalLocalName } from './local-name.js';

/** Record types localtls keeps. */
export type CachedType = 'A' | 'AAAA' | 'PTR' | 'SRV' | 'TXT';

/** One cached record. `data` depends on the type (see {@link MdnsCache.get}). */
export interface CachedRecord {
  readonly name: string;
  readonly type: CachedType;
  /** A/AAAA: address (link-local IPv6 with `%scope`); PTR: target; SRV: `{ target, port }`; TXT: strings. */
  readonly data: string | { target: string; port: number } | readonly string[];
  /** TTL in seconds as received. */
  readonly ttl: number;
  /** When the record expires (ms since the epoch). */
  readonly expiresAt: number;
  /** When it was last received (ms since the epoch). */
  readonly receivedAt: number;
}

const KEPT: ReadonlySet<string> = new Set(['A', 'AAAA', 'PTR', 'SRV', 'TXT']);
/** Largest TTL honoured (a day) so a bogus answer cannot pin a stale record for years. */
const MAX_TTL = 86_400;
/** Cap on record sets, so a noisy network cannot grow the cache without bound. */
const MAX_SETS = 4096;

/**
 * TTL-bounded record cache shared by the resolver and browsers. Expired records are never
 * returned; a record received with TTL 0 (a goodbye) is removed immediately.
 *
 * @example
 * ```ts
 * const cache = new MdnsCache();
 * cache.addAnswers([{ name: 'a.local', type: 'A', ttl: 120, data: '10.0.0.2' }]);
 * cache.addresses('a.local'); // [{ address: '10.0.0.2', family: 4, ... }]
 * ```
 */
export class MdnsCache {
  readonly #sets = new Map<string, Map<string, CachedRecord>>();
  readonly #now: () => number;

  /** @param now clock (default `Date.now`), replaceable in tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * Adds the answers of one packet. `scopeFor` gives the scope id (interface name) for
   * link-local IPv6 addresses; those without one are dropped (they cannot be dialled).
   * Returns true when anything changed.
   */
  addAnswers(answers: readonly Answer[], scopeFor?: () => string | undefined): boolean {
    const now = this.#now();
    let changed = false;
    const flushed = new Set<string>();
    for (const answer of answers) {
      if (!KEPT.has(answer.type)) continue;
      const type = answer.type as CachedType;
      const name = canonicalLocalName(answer.name);
      const data = recordData(answer, scopeFor);
      if (data === undefined) continue;
      const setKey = `${type} ${name}`;
      const recordKey = dataKey(data);
      const ttl = Math.min(Math.max(0, Math.trunc((answer as { ttl?: number }).ttl ?? 0)), MAX_TTL);
      let set = this.#sets.get(setKey);
      if (ttl === 0) {
        if (set?.delete(recordKey)) changed = true;
        if (set && set.size === 0) this.#sets.delete(setKey);
        continue;
      }
      if (!set) {
        if (this.#sets.size >= MAX_SETS) this.#evictOldest();
        set = new Map();
        this.#sets.set(setKey, set);
      }
      // Cache-flush: records of this set older than one second are replaced (RFC 6762 §10.2).
      if ((answer as { flush?: boolean }).flush && !flushed.has(setKey)) {
        flushed.add(setKey);
        for (const [key, rec] of set) {
          if (now - rec.receivedAt > 1000) { set.delete(key); changed = true; }
        }
      }
      if (!set.has(recordKey)) changed = true;
      set.set(recordKey, { name, type, data, ttl, expiresAt: now + ttl * 1000, receivedAt: now });
    }
    return changed;
  }

  /** Unexpired records of one name and type. */
  get(name: string, type: CachedType): CachedRecord[] {
    const setKey = `${type} ${canonicalLocalName(name)}`;
    const set = this.#sets.get(setKey);
    if (!set) return [];
    const now = this.#now();
    const out: CachedRecord[] = [];
    for (const [key, rec] of set) {
      if (rec.expiresAt <= now) set.delete(key);
      else out.push(rec);
    }
    if (set.size === 0) this.#sets.delete(setKey);
    return out;
  }

  /** Unexpired addresses of `name`: IPv4 first, then IPv6, link-local last. */
  addresses(name: string): { address: string; family: 4 | 6; ttl: number }[] {
    const now = this.#now();
    const v4 = this.get(name, 'A').map((r) => ({ address: r.data as string, family: 4 as const, ttl: Math.ceil((r.expiresAt - now) / 1000) }));
    const v6 = this.get(name, 'AAAA').map((r) => ({ address: r.data as string, family: 6 as const, ttl: Math.ceil((r.expiresAt - now) / 1000) }));
    v6.sort((a, b) => Number(a.address.includes('%')) - Number(b.address.includes('%')));
    return [...v4, ...v6];
  }

  /** The earliest expiry among all cached records, or undefined when empty. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const set of this.#sets.values()) for (const rec of set.values()) if (next === undefined || rec.expiresAt < next) next = rec.expiresAt;
    return next;
  }

  /** Forgets everything. */
  clear(): void {
    this.#sets.clear();
  }

  #evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [key, set] of this.#sets) {
      for (const rec of set.values()) if (rec.receivedAt < oldest) { oldest = rec.receivedAt; oldestKey = key; }
    }
    if (oldestKey !== undefined) this.#sets.delete(oldestKey);
  }
}

function recordData(answer: Answer, scopeFor?: () => string | undefined): CachedRecord['data'] | undefined {
  const data = (answer as { data?: unknown }).data;
  switch (answer.type) {
    case 'A':
      return typeof data === 'string' ? data : undefined;
    case 'AAAA': {
      if (typeof data !== 'string') return undefined;
      if (/^fe[89ab]/i.test(data)) {
        const scope = scopeFor?.();
        return scope ? `${data}%${scope}` : undefined;
      }
      return data;
    }
    case 'PTR':
      return typeof data === 'string' ? data.replace(/\.$/, '') : undefined; // case kept: instance names are shown to users
    case 'SRV': {
      const srv = data as { target?: unknown; port?: unknown } | undefined;
      if (!srv || typeof srv.target !== 'string' || typeof srv.port !== 'number') return undefined;
      return { target: canonicalLocalName(srv.target), port: srv.port };
    }
    case 'TXT': {
      const parts = Array.isArray(data) ? data : data === undefined ? [] : [data];
      return parts.map((p) => (typeof p === 'string' ? p : Buffer.from(p as Uint8Array).toString('utf8')));
    }
    default:
      return undefined;
  }
}

function dataKey(data: CachedRecord['data']): string {
  if (typeof data === 'string') return data.toLowerCase();
  if (Array.isArray(data)) return JSON.stringify(data);
  const srv = data as { target: string; port: number };
  return `${srv.target}:${srv.port}`;
}

/** The cache used when none is passed: one per process. */
export const defaultMdnsCache: MdnsCache = new MdnsCache();
