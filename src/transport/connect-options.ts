/** Options of `connect()`, validated by name when they are passed in. */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { describe, functionOption, integerIn, knownKeys, booleanOption } from '../internal/options.js';
import type { CertificateInput } from '../cert/certificate.js';
import { canonicalHost } from '../cert/name-match.js';
import { Identity } from '../identity/identity.js';
import { requireStrongIdentity } from '../identity/key-strength.js';
import { resolveAnchors, resolveMinVersion, SessionCache, defaultSessionCache, DEFAULT_VERIFY_TIMEOUT_MS, type TlsVerifyHook, type TlsVersion } from '../tls/index.js';
import type { Resolver } from './resolve.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './framing.js';

/**
 * Options of {@link connect}. Every timeout is in milliseconds.
 *
 * - `trustRoots`: roots to trust besides the system roots (your local CA). Default none.
 * - `systemRoots`: also trust node:tls's bundled public roots. Default true.
 * - `trustStore`: also trust the roots installed in the trust store (`TrustStore`): true = the
 *   default store (`<localtls home>/trust`, `LOCALTLS_HOME` honoured), a directory, or false. Default true.
 * - `verify`: a hook that decides instead of the default verifier (the SSL policy for the dialed host).
 * - `verifyTimeout`: how long the hook may take. Default 10 000.
 * - `identity`: a client certificate for listeners that ask for one (mutual TLS). Default none.
 * - `minVersion`: 'TLSv1.2' (default) or 'TLSv1.3'.
 * - `alpn`: ALPN protocol names to offer. Default none.
 * - `serverName`: the SNI name and the name verified. Default: `host` when it is a name (an IP
 *   literal sends no SNI and is verified as an address).
 * - `handshakeTimeout`: from TCP connect to the end of the TLS handshake. Default 10 000.
 * - `connectTimeout`: for the TCP connection (per attempt). Default 10 000.
 * - `lookup`: a {@link Resolver} mapping names to addresses. Default: `.local` names by the library's
 *   own mDNS query (discovery's `localResolver`: 3 s, one retry), other names by the system resolver.
 * - `retry`: `{ attempts, delay }` for refused or unreachable peers: the connection goes to
 *   `waiting`, then tries again after `delay` (default 1000). Default `{ attempts: 0 }`.
 * - `resumption`: resume TLS sessions with the same host, port, name and trust configuration.
 *   Default true (verification runs on resumed sessions too).
 * - `sessionCache`: where sessions are kept. Default: the process-wide cache.
 * - `maxMessageSize`: the largest message `sendMessage`/`messages` accept. Default 16 MiB.
 *
 * @example
 * ```ts
 * connect('listener-name.local', 4433, { trustRoots: [ca.certificate], lookup: () => ['192.168.1.20'] });
 * ```
 */
export interface ConnectOptions {
  trustRoots?: readonly CertificateInput[];
  systemRoots?: boolean;
  trustStore?: boolean | string;
  verify?: TlsVerifyHook;
  verifyTimeout?: number;
  identity?: Identity;
  minVersion?: TlsVersion;
  alpn?: readonly string[];
  serverName?: string;
  handshakeTimeout?: number;
  connectTimeout?: number;
  lookup?: Resolver;
  retry?: { attempts?: number; delay?: number };
  resumption?: boolean;
  sessionCache?: SessionCache;
  maxMessageSize?: number;
}

const KNOWN = ['trustRoots', 'systemRoots', 'trustStore', 'verify', 'verifyTimeout', 'identity', 'minVersion', 'alpn', 'serverName', 'handshakeTimeout', 'connectTimeout', 'lookup', 'retry', 'resumption', 'sessionCache', 'maxMessageSize'];
const MAX_MS = 24 * 3600 * 1000;

/** Validated connect options with defaults filled in (internal). */
export interface ResolvedConnectOptions {
  host: string;
  port: number;
  anchors: ReturnType<typeof resolveAnchors>;
  verify: TlsVerifyHook | undefined;
  verifyTimeout: number;
  identity: Identity | undefined;
  minVersion: TlsVersion;
  alpn: string[] | undefined;
  serverName: string | undefined;
  /** The name or address verification checks: serverName when given, else host. */
  verifyName: string;
  /** The default verifier's policy: SSL for `verifyName` (frozen, so it is resolved once). */
  defaultPolicy: Readonly<{ kind: 'ssl'; hostname: string }>;
  handshakeTimeout: number;
  connectTimeout: number;
  lookup: Resolver | undefined;
  retryAttempts: number;
  retryDelay: number;
  sessionCache: SessionCache | undefined;
  maxMessageSize: number;
}

/** Validates ALPN names (1..255 bytes each). @example `alpnOption('alpn', ['h2'])` */
export function alpnOption(name: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0 || value.some((p) => typeof p !== 'string' || Buffer.byteLength(p) < 1 || Buffer.byteLength(p) > 255)) {
    throw new ConfigError('INVALID_OPTION', `${name}: expected a non-empty array of protocol names (1 to 255 bytes each), e.g. ['localtls/1']; found ${describe(value)}`);
  }
  return [...value];
}

/**
 * Validates `connect(host, port, options)`. The result is frozen; a call with the same host, port
 * and option values as the previous one (the common case: a client dialing the same listener again
 * with a fresh options literal) is answered with the previous result after comparing the values,
 * without validating them again — every connection pays for this function between native TLS work,
 * where its full run cost ~30–50 µs of cold code (measured in place, 2026-12-06).
 * @throws ConfigError INVALID_OPTION / INVALID_HOST; IdentityError WEAK_KEY (client identity)
 * @example `resolveConnectOptions('desk.local', 4433, { trustRoots: [ca.certificate] }).verifyName // 'desk.local'`
 */
export function resolveConnectOptions(host: unknown, port: unknown, options: ConnectOptions | undefined): ResolvedConnectOptions {
  const again = previousResolution(host, port, options);
  if (again) return again;
  const resolved = Object.freeze(validateConnectOptions(host, port, options));
  remember(host as string, port as number, options, resolved);
  return resolved;
}

/** What the previous resolution was made from: the option values as given (arrays and `retry` by content). */
interface Resolution {
  host: string;
  port: number;
  keys: readonly string[];
  values: readonly unknown[];
  alpn: readonly string[] | undefined;
  retry: { attempts: unknown; delay: unknown } | undefined;
  resolved: ResolvedConnectOptions;
}
let previous: Resolution | undefined;

function remember(host: string, port: number, options: ConnectOptions | undefined, resolved: ResolvedConnectOptions): void {
  const o = (options ?? {}) as Record<string, unknown>;
  const keys = Object.keys(o);
  const retry = o.retry as { attempts?: unknown; delay?: unknown } | undefined;
  // Only plain data objects are remembered: with another prototype, inherited options would go unseen
  // by Object.keys; a getter could have answered validation differently from the values kept here.
  if (!plainData(o) || (retry !== undefined && (retry === null || typeof retry !== 'object' || !plainData(retry)))) { previous = undefined; return; }
  previous = {
    host, port, keys, values: keys.map((k) => o[k]), resolved,
    alpn: Array.isArray(o.alpn) ? [...(o.alpn as string[])] : undefined,
    retry: retry === undefined ? undefined : { attempts: retry.attempts, delay: retry.delay },
  };
}

/**
 * The previous result when host, port and every option value are the same: the same keys with
 * identical values (alpn and retry compared by content) and the same anchor resolution (trustRoots
 * compared item by item and the trust store looked at, by resolveAnchors, as on every call).
 */
function previousResolution(host: unknown, port: unknown, options: ConnectOptions | undefined): ResolvedConnectOptions | undefined {
  const last = previous;
  if (last === undefined || host !== last.host || port !== last.port) return undefined;
  if (options !== undefined && (options === null || typeof options !== 'object' || Object.getPrototypeOf(options) !== Object.prototype)) return undefined;
  const o = (options ?? {}) as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== last.keys.length) return undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key !== last.keys[i]) return undefined;
    const value = o[key];
    if (key === 'alpn') { if (!sameStrings(value, last.alpn)) return undefined; }
    else if (key === 'retry') { if (!sameRetry(value, last.retry)) return undefined; }
    else if (value !== last.values[i]) return undefined;
  }
  const anchors = resolveAnchors({ trustRoots: o.trustRoots as ConnectOptions['trustRoots'], systemRoots: o.systemRoots as boolean | undefined, trustStore: o.trustStore as boolean | string | undefined }, true);
  return anchors === last.resolved.anchors ? last.resolved : undefined;
}

function plainData(value: object): boolean {
  return Object.getPrototypeOf(value) === Object.prototype && Object.values(Object.getOwnPropertyDescriptors(value)).every((d) => 'value' in d);
}

function sameStrings(value: unknown, known: readonly string[] | undefined): boolean {
  if (!Array.isArray(value) || known === undefined || value.length !== known.length) return false;
  for (let i = 0; i < value.length; i++) if (value[i] !== known[i]) return false;
  return true;
}

function sameRetry(value: unknown, known: { attempts: unknown; delay: unknown } | undefined): boolean {
  if (value === null || typeof value !== 'object' || known === undefined || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  if (keys.some((k) => k !== 'attempts' && k !== 'delay')) return false;
  const r = value as { attempts?: unknown; delay?: unknown };
  return r.attempts === known.attempts && r.delay === known.delay;
}

function validateConnectOptions(host: unknown, port: unknown, options: ConnectOptions | undefined): ResolvedConnectOptions {
  if (typeof host !== 'string' || host.length === 0) throw new ConfigError('INVALID_HOST', `connect(host): expected a DNS name or IP address; found ${describe(host)}`);
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (!canonicalHost(bare)) throw new ConfigError('INVALID_HOST', `connect(host): expected a DNS name or IP address; found ${describe(host)}`);
  integerIn('connect(port)', port, 1, 65535);
  const o = options ?? {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new ConfigError('INVALID_OPTION', `connect options: expected an object; found ${describe(o)}`);
  knownKeys('connect options', o, KNOWN);
  if (o.identity !== undefined && !(o.identity instanceof Identity)) throw new ConfigError('INVALID_OPTION', `identity: expected an Identity (ca.issue(), Identity.fromPKCS12(), ...); found ${describe(o.identity)}`);
  if (o.identity !== undefined) requireStrongIdentity(o.identity, 'identity (the client certificate\'s key)');
  if (o.systemRoots !== undefined) booleanOption('systemRoots', o.systemRoots);
  if (o.resumption !== undefined) booleanOption('resumption', o.resumption);
  if (o.sessionCache !== undefined && !(o.sessionCache instanceof SessionCache)) throw new ConfigError('INVALID_OPTION', `sessionCache: expected a SessionCache; found ${describe(o.sessionCache)}`);
  let serverName: string | undefined;
  if (o.serverName !== undefined) {
    const canonical = typeof o.serverName === 'string' ? canonicalHost(o.serverName) : undefined;
    if (!canonical || canonical.type !== 'dns') throw new ConfigError('INVALID_OPTION', `serverName: expected a DNS name (SNI cannot carry an address); found ${describe(o.serverName)}`);
    serverName = o.serverName;
  } else if (isIP(bare) === 0) {
    serverName = bare;
  }
  const retry = o.retry ?? {};
  if (typeof retry !== 'object') throw new ConfigError('INVALID_OPTION', `retry: expected { attempts?, delay? }; found ${describe(retry)}`);
  knownKeys('retry', retry, ['attempts', 'delay']);
  return {
    host: bare,
    port: port as number,
    anchors: resolveAnchors({ trustRoots: o.trustRoots, systemRoots: o.systemRoots, trustStore: o.trustStore }, true),
    verify: o.verify === undefined ? undefined : functionOption<TlsVerifyHook>('verify', o.verify),
    verifyTimeout: o.verifyTimeout === undefined ? DEFAULT_VERIFY_TIMEOUT_MS : integerIn('verifyTimeout', o.verifyTimeout, 1, MAX_MS),
    identity: o.identity,
    minVersion: resolveMinVersion(o.minVersion),
    alpn: alpnOption('alpn', o.alpn),
    serverName,
    verifyName: serverName ?? bare,
    defaultPolicy: Object.freeze({ kind: 'ssl', hostname: serverName ?? bare }),
    handshakeTimeout: o.handshakeTimeout === undefined ? 10_000 : integerIn('handshakeTimeout', o.handshakeTimeout, 1, MAX_MS),
    connectTimeout: o.connectTimeout === undefined ? 10_000 : integerIn('connectTimeout', o.connectTimeout, 1, MAX_MS),
    lookup: o.lookup === undefined ? undefined : functionOption<Resolver>('lookup', o.lookup),
    retryAttempts: retry.attempts === undefined ? 0 : integerIn('retry.attempts', retry.attempts, 0, 1_000_000),
    retryDelay: retry.delay === undefined ? 1000 : integerIn('retry.delay', retry.delay, 0, MAX_MS),
    sessionCache: o.resumption === false ? undefined : (o.sessionCache ?? defaultSessionCache),
    maxMessageSize: o.maxMessageSize === undefined ? DEFAULT_MAX_MESSAGE_SIZE : integerIn('maxMessageSize', o.maxMessageSize, 1, 2 ** 32 - 1),
  };
}
