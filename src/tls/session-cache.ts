/**
 * Client session cache for TLS resumption. Keys bind a session to everything that decided its
 * verification: host, port, server name, trust configuration, client identity, version floor,
 * ALPN and hook. Each entry remembers the chain that was verified when the session was made, so a
 * resumed connection (where node:tls has no peer certificate) is verified again on that chain for
 * the host being dialed now.
 */
import type { Certificate } from '../cert/certificate.js';
import { withoutPeerCertificate } from './session-der.js';

/** One cached session. */
export interface SessionEntry {
  /** The serialized TLS session (node:tls `session` event / `session` option). */
  readonly session: Buffer;
  /** The peer chain verified when the session was made, leaf first. */
  readonly chain: readonly Certificate[];
}

/** The facts a session key is made of. */
export interface SessionKeyParts {
  host: string;
  port: number;
  serverName: string | undefined;
  /** From resolveAnchors(...).key. */
  anchorsKey: string;
  /** Distinguishes verify hooks (0 = default verifier). */
  hookId: number;
  /** SHA-256 fingerprint of the client identity's leaf, or ''. */
  identity: string;
  minVersion: string;
  alpn: readonly string[] | undefined;
}

/**
 * The cache key for a connection. @example `sessionKey({ host: 'a.local', port: 4433, serverName: 'a.local', anchorsKey: 'AB..', hookId: 0, identity: '', minVersion: 'TLSv1.2', alpn: undefined })`
 */
export function sessionKey(p: SessionKeyParts): string {
  const key = JSON.stringify([p.host.toLowerCase(), p.port, p.serverName ?? '', p.anchorsKey, p.hookId, p.identity, p.minVersion, p.alpn ?? []]);
  // One string per distinct key: every client connection keeps its key (a few hundred bytes with
  // the anchors' fingerprints); equal keys are interchangeable, so they share one copy.
  const known = interned.get(key);
  if (known !== undefined) return known;
  interned.set(key, key);
  if (interned.size > MAX_INTERNED) interned.delete(interned.keys().next().value as string);
  return key;
}

const interned = new Map<string, string>();
const MAX_INTERNED = 256;

/**
 * A bounded LRU of sessions (default 256 entries). One process-wide instance,
 * {@link defaultSessionCache}, is used unless `connect(..., { sessionCache })` passes another.
 *
 * @example
 * ```ts
 * const cache = new SessionCache(64);
 * connect('listener-name.local', 4433, { trustRoots: [root], sessionCache: cache });
 * ```
 */
export class SessionCache {
  readonly #map = new Map<string, SessionEntry>();
  constructor(readonly maxEntries = 256) {}

  /** The entry for `key` (and marks it recently used). */
  get(key: string): SessionEntry | undefined {
    const entry = this.#map.get(key);
    if (entry) { this.#map.delete(key); this.#map.set(key, entry); }
    return entry;
  }

  /**
   * Stores an entry, evicting the least recently used beyond `maxEntries`. An entry is trusted
   * memory: a resumed session carries no peer certificate in node:tls, so its `chain` is what the
   * resumed connection is verified against. Store only entries this library made (connect() does).
   * The session is stored without the server certificate OpenSSL serializes into it (see
   * session-der.ts): resuming would otherwise parse that certificate again on every connection.
   */
  set(key: string, entry: SessionEntry): void {
    this.#map.delete(key);
    // A frozen chain is kept as is (its certificates are immutable): a resumed connection stores the
    // chain it was verified on, so one frozen array carries from connection to connection and the
    // trust layer can recognise it (see trust/cache.ts knownTrustedOutcome).
    const chain = Object.isFrozen(entry.chain) ? entry.chain : Object.freeze([...entry.chain]);
    this.#map.set(key, Object.freeze({ session: withoutPeerCertificate(entry.session), chain }));
    while (this.#map.size > this.maxEntries) this.#map.delete(this.#map.keys().next().value as string);
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#map.delete(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.#map.clear();
  }

  /** Number of entries. */
  get size(): number {
    return this.#map.size;
  }

  /** The keys, least recently used first (for diagnostics and tests). */
  keys(): string[] {
    return [...this.#map.keys()];
  }
}

/** The process-wide session cache. @example `defaultSessionCache.clear()` */
export const defaultSessionCache = new SessionCache();

const hookIds = new WeakMap<object, number>();
let nextHookId = 1;

/** A stable small number per hook function (0 for none), for session keys. @example `hookId(undefined) // 0` */
export function hookId(hook: object | undefined): number {
  if (!hook) return 0;
  let id = hookIds.get(hook);
  if (id === undefined) { id = nextHookId++; hookIds.set(hook, id); }
  return id;
}
