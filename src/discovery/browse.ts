/**
 * Browsing DNS-SD services (RFC 6763) with multicast DNS: PTR queries for a service type,
 * then SRV, TXT and addresses for each instance. Continuous querying with back-off
 * (1 s, 2 s, 4 s … 60 s); goodbyes and TTL expiry remove services.
 */
import { EventEmitter } from 'node:events';
import type { Question } from 'dns-packet';
import { ConfigError } from '../errors.js';
import { integerIn, knownKeys, describe } from '../internal/options.js';
import { canonicalLocalName, parseServiceType } from './local-name.js';
import { defaultMdnsCache, MdnsCache } from './record-cache.js';
import { openSession, resolveInterfaces, type MdnsSession } from './mdns-session.js';

/**
 * A service found on the network. `connect(service)` dials `host` (the certificate is checked
 * against that name) and, when `pin` is set, also requires the leaf's SPKI SHA-256 to match.
 */
export interface DiscoveredService {
  /** Instance name, e.g. `Front Desk`. */
  readonly name: string;
  /** Service type, e.g. `_orders._tcp`. */
  readonly type: string;
  /** Full instance name, e.g. `Front Desk._orders._tcp.local`. */
  readonly fqdn: string;
  /** Host name from the SRV record, e.g. `listener-name.local`. */
  readonly host: string;
  /** Port from the SRV record. */
  readonly port: number;
  /** Addresses of `host` seen so far (IPv4 first; link-local IPv6 with scope id). */
  readonly addresses: readonly string[];
  /** TXT entries; keys lower-cased, a key without `=` maps to `''`. */
  readonly txt: Readonly<Record<string, string>>;
  /** The `pk` TXT entry (base64 SHA-256 of the leaf's SubjectPublicKeyInfo), if advertised. */
  readonly pin: string | undefined;
}

/** Options for {@link browse}. */
export interface BrowseOptions {
  /** Stop browsing (and end iteration) after this many ms (default: never; 100–3600000). */
  timeout?: number;
  /** Interface name(s) or IPv4 address(es) to browse on (default: every non-loopback IPv4 interface). */
  interface?: string | readonly string[];
  /** Record cache to fill (default: one per process). */
  cache?: MdnsCache;
  /** Stops browsing when aborted. */
  signal?: AbortSignal;
}

const KNOWN = ['timeout', 'interface', 'cache', 'signal'];
const MAX_INSTANCES = 256;
const MAX_QUEUE = 1024;
const MAX_REQUERY_MS = 60_000;

/**
 * A running browse. Events: `'up'` (service) when an instance is complete (SRV + address),
 * `'update'` (service) when its port, addresses or TXT change, `'down'` (service) when it said
 * goodbye or its records expired, `'close'`. Iterating yields each `'up'` service; iteration
 * ends at `timeout`, on `close()`, or when the loop breaks (which closes the browser).
 *
 * @example
 * ```ts
 * for await (const service of browse('_orders._tcp', { timeout: 3000 })) {
 *   console.log(service.name, service.host, service.port, service.pin);
 * }
 * ```
 */
export class Browser extends EventEmitter implements AsyncIterable<DiscoveredService> {
  /** The service type browsed, e.g. `_orders._tcp`. */
  readonly type: string;
  readonly #typeFqdn: string;
  readonly #cache: MdnsCache;
  readonly #session: MdnsSession;
  readonly #services = new Map<string, DiscoveredService>();
  readonly #lastAsked = new Map<string, number>();
  readonly #queue: DiscoveredService[] = [];
  #waiters: ((r: IteratorResult<DiscoveredService>) => void)[] = [];
  #closed = false;
  #requeryTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #interval = 1000;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => void this.close();

  /** @internal use {@link browse}. */
  constructor(type: string, options: BrowseOptions) {
    super();
    const parsed = parseServiceType(type, 'browse: type');
    knownKeys('browse', options, KNOWN);
    const timeout = options.timeout === undefined ? undefined : integerIn('timeout', options.timeout, 100, 3_600_000);
    if (options.cache !== undefined && !(options.cache instanceof MdnsCache)) throw new ConfigError('INVALID_OPTION', `cache: expected an MdnsCache; found ${describe(options.cache)}`);
    this.type = `_${parsed.name}._${parsed.protocol}`;
    this.#typeFqdn = parsed.fqdn;
    this.#cache = options.cache ?? defaultMdnsCache;
    const interfaces = resolveInterfaces(options.interface);
    this.#session = openSession(interfaces, (packet, _rinfo, iface) => {
      const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
      if (this.#cache.addAnswers(records, () => iface)) this.#evaluate();
    });
    this.#session.ready.then(() => this.#requery(), () => void this.close());
    if (timeout !== undefined) this.#deadline = setTimeout(() => void this.close(), timeout);
    this.#signal = options.signal;
    if (this.#signal?.aborted) queueMicrotask(this.#onAbort);
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#evaluate(); // answers already cached are reported at once
  }

  /** Services currently known, by full instance name (lower case). */
  get services(): ReadonlyMap<string, DiscoveredService> {
    return this.#services;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stops browsing and closes the sockets; pending iteration ends. Idempotent.
   * @example `await browser.close()`
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#requeryTimer);
    clearTimeout(this.#expiryTimer);
    clearTimeout(this.#deadline);
    this.#signal?.removeEventListener('abort', this.#onAbort);
    for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true });
    await this.#session.close();
    this.emit('close');
  }

  [Symbol.asyncIterator](): AsyncIterator<DiscoveredService> {
    return {
      next: () => {
        const value = this.#queue.shift();
        if (value) return Promise.resolve({ value, done: false });
        if (this.#closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiters.push(resolve));
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  #requery(): void {
    if (this.#closed) return;
    this.#session.query([{ name: this.#typeFqdn, type: 'PTR' }]);
    this.#requeryTimer = setTimeout(() => this.#requery(), this.#interval);
    this.#interval = Math.min(this.#interval * 2, MAX_REQUERY_MS);
  }

  #evaluate(): void {
    if (this.#closed) return;
    const now = Date.now();
    const seen = new Set<string>();
    const missing: Question[] = [];
    for (const ptr of this.#cache.get(this.#typeFqdn, 'PTR').slice(0, MAX_INSTANCES)) {
      const fqdn = ptr.data as string;
      const key = canonicalLocalName(fqdn);
      seen.add(key);
      const srv = this.#cache.get(key, 'SRV')[0]?.data as { target: string; port: number } | undefined;
      const txtRecord = this.#cache.get(key, 'TXT')[0]?.data as readonly string[] | undefined;
      const addresses = srv ? this.#cache.addresses(srv.target).map((a) => a.address) : [];
      if (!srv || !txtRecord || addresses.length === 0) {
        const last = this.#lastAsked.get(key) ?? 0;
        if (now - last >= 1000) {
          this.#lastAsked.set(key, now);
          if (!srv) missing.push({ name: key, type: 'SRV' });
          if (!txtRecord) missing.push({ name: key, type: 'TXT' });
          if (srv && addresses.length === 0) missing.push({ name: srv.target, type: 'A' }, { name: srv.target, type: 'AAAA' });
        }
        if (!srv || addresses.length === 0) continue;
      }
      const txt = parseTxt(txtRecord ?? []);
      const service: DiscoveredService = Object.freeze({
        name: instanceName(fqdn, this.#typeFqdn),
        type: this.type,
        fqdn,
        host: srv.target,
        port: srv.port,
        addresses: Object.freeze(addresses),
        txt: Object.freeze(txt),
        pin: txt.pk || undefined,
      });
      const previous = this.#services.get(key);
      this.#services.set(key, service);
      if (!previous) {
        this.#push(service);
        this.emit('up', service);
      } else if (JSON.stringify(previous) !== JSON.stringify(service)) {
        this.emit('update', service);
      }
    }
    for (const [key, service] of this.#services) {
      if (!seen.has(key)) {
        this.#services.delete(key);
        this.#lastAsked.delete(key);
        this.emit('down', service);
      }
    }
    if (missing.length > 0) this.#session.query(missing);
    clearTimeout(this.#expiryTimer);
    const next = this.#cache.nextExpiry();
    if (next !== undefined) this.#expiryTimer = setTimeout(() => this.#evaluate(), Math.min(Math.max(next - Date.now() + 5, 50), MAX_REQUERY_MS));
  }

  #push(service: DiscoveredService): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter({ value: service, done: false });
    else {
      if (this.#queue.length >= MAX_QUEUE) this.#queue.shift();
      this.#queue.push(service);
    }
  }
}

/**
 * Browses for a DNS-SD service type. Returns at once; sockets open in the background.
 *
 * @param type e.g. `_orders._tcp`.
 * @param options `timeout` (default: browse until `close()` or the loop breaks), `interface`, `signal`.
 * @throws ConfigError INVALID_OPTION for a malformed type or option.
 * @example
 * ```ts
 * const browser = browse('_orders._tcp');
 * browser.on('down', (s) => console.log('gone:', s.name));
 * for await (const s of browser) { await browser.close(); connect(s, { trustRoots }); }
 * ```
 */
export function browse(type: string, options: BrowseOptions = {}): Browser {
  return new Browser(type, options);
}

/** Parses TXT strings (`key=value`, RFC 6763 §6): keys lower-cased, the first occurrence wins. */
export function parseTxt(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.length === 0) continue;
    const eq = entry.indexOf('=');
    const key = (eq === -1 ? entry : entry.slice(0, eq)).toLowerCase();
    if (key.length === 0 || key in out || key === '__proto__') continue;
    out[key] = eq === -1 ? '' : entry.slice(eq + 1);
  }
  return out;
}

function instanceName(fqdn: string, typeFqdn: string): string {
  const raw = fqdn.toLowerCase().endsWith(`.${typeFqdn}`) ? fqdn.slice(0, -(typeFqdn.length + 1)) : fqdn;
  return raw.replace(/\\(\d{3})/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/\\(.)/g, '$1');
}
