/**
 * Resolving `.local` names with the library's own multicast DNS query (RFC 6762 one-shot
 * queries): A and AAAA asked together, one retry, a hard deadline, answers cached by TTL.
 */
import { ConfigError, ConnectionError } from '../errors.js';
import { integerIn, knownKeys, describe } from '../internal/options.js';
import { canonicalLocalName, isLocalName } from './local-name.js';
import { defaultMdnsCache, MdnsCache } from './record-cache.js';
import { openSession, resolveInterfaces } from './mdns-session.js';

/** One resolved address. Link-local IPv6 addresses carry their scope id (`fe80::1%eth0`). */
export interface LocalAddress {
  readonly address: string;
  readonly family: 4 | 6;
  /** Seconds the answer stays valid. */
  readonly ttl: number;
}

/** Options for {@link resolveLocal}. */
export interface ResolveLocalOptions {
  /** Total time allowed, in ms (default 3000; 100–60000). Fails with HOST_NOT_FOUND after it. */
  timeout?: number;
  /** When the single retry is sent, in ms after the first query (default 1000, at most `timeout`). */
  retryAfter?: number;
  /** Interface name(s) or IPv4 address(es) to query on (default: every non-loopback IPv4 interface). */
  interface?: string | readonly string[];
  /** 4 or 6 keeps only that family; 0 (default) keeps both. */
  family?: 0 | 4 | 6;
  /** The cache to read and fill (default: one per process); `false` skips caching. */
  cache?: MdnsCache | false;
  /** Cancels the query; the promise rejects with CANCELLED. */
  signal?: AbortSignal;
}

const KNOWN = ['timeout', 'retryAfter', 'interface', 'family', 'cache', 'signal'];
/** After the first answer, how long to wait for the rest of the record sets (other responders, AAAA). */
const SETTLE_MS = 150;

/**
 * Resolves a `.local` name by multicast DNS, without the system resolver and without the libuv
 * thread pool. Sends A and AAAA questions, retries once, and resolves with every address found
 * (IPv4 first, link-local IPv6 last with its scope id). Cached answers are returned without a
 * query until their TTL ends; goodbyes (TTL 0) remove them.
 *
 * @throws ConfigError INVALID_HOST when `name` is not a `.local` name; INVALID_OPTION for bad options.
 * @returns rejects with ConnectionError HOST_NOT_FOUND when no answer came within `timeout`.
 * @example
 * ```ts
 * const addrs = await resolveLocal('listener-name.local', { timeout: 2000 });
 * // [{ address: '192.168.1.20', family: 4, ttl: 120 }, { address: 'fe80::1%en0', family: 6, ttl: 120 }]
 * ```
 */
export async function resolveLocal(name: string, options: ResolveLocalOptions = {}): Promise<LocalAddress[]> {
  if (typeof name !== 'string' || !isLocalName(name)) {
    throw new ConfigError('INVALID_HOST', `resolveLocal: expected a name ending in '.local'; found ${describe(name)}`);
  }
  knownKeys('resolveLocal', options, KNOWN);
  const timeout = integerIn('timeout', options.timeout ?? 3000, 100, 60_000);
  const retryAfter = Math.min(integerIn('retryAfter', options.retryAfter ?? 1000, 10, 60_000), timeout);
  const family = options.family ?? 0;
  if (family !== 0 && family !== 4 && family !== 6) throw new ConfigError('INVALID_OPTION', `family: expected 0, 4 or 6; found ${describe(family)}`);
  const cache = options.cache === false ? undefined : options.cache ?? defaultMdnsCache;
  const host = canonicalLocalName(name);
  const pick = (addrs: LocalAddress[]): LocalAddress[] => (family === 0 ? addrs : addrs.filter((a) => a.family === family));

  const cached = cache ? pick(cache.addresses(host)) : [];
  if (cached.length > 0) return cached;
  options.signal?.throwIfAborted?.();
  const interfaces = resolveInterfaces(options.interface);
  // Our own cache for this query, so `cache: false` still collects answers.
  const local = cache ?? new MdnsCache();

  return new Promise<LocalAddress[]>((resolve, reject) => {
    let settleTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const session = openSession(interfaces, (packet, _rinfo, iface) => {
      const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
      if (!records.some((r) => canonicalLocalName(r.name) === host)) return;
      local.addAnswers(records, () => iface);
      const found = pick(local.addresses(host));
      if (found.length === 0) return;
      const haveBoth = found.some((a) => a.family === 4) && found.some((a) => a.family === 6);
      if (haveBoth || family !== 0) finish(undefined, found);
      else settleTimer ??= setTimeout(() => finish(undefined, pick(local.addresses(host))), SETTLE_MS);
    });
    const questions = [
      ...(family !== 6 ? [{ name: host, type: 'A' as const }] : []),
      ...(family !== 4 ? [{ name: host, type: 'AAAA' as const }] : []),
    ];
    const retryTimer = setTimeout(() => session.query(questions), retryAfter);
    const deadline = setTimeout(() => finish(new ConnectionError('HOST_NOT_FOUND', `no mDNS answer for ${host} within ${timeout} ms on ${interfaces.map((i) => i.name).join(', ')}`, {
      hint: 'check that the device is on the same network segment and advertises this exact name; multicast must not be filtered',
      details: { host, timeout, interfaces: interfaces.map((i) => i.name) },
    })), timeout);
    const onAbort = (): void => finish(new ConnectionError('CANCELLED', `resolving ${host} was cancelled`));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    function finish(error: Error | undefined, result?: LocalAddress[]): void {
      if (finished) return;
      finished = true;
      clearTimeout(retryTimer);
      clearTimeout(deadline);
      if (settleTimer) clearTimeout(settleTimer);
      options.signal?.removeEventListener('abort', onAbort);
      void session.close();
      if (error) reject(error);
      else resolve(result ?? []);
    }

    session.ready.then(() => session.query(questions), (err: unknown) => finish(err as Error));
  });
}
