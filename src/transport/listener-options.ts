/** Options of `createListener()`, validated by name when they are passed in. */
import { isIP } from 'node:net';
import { ConfigError } from '../errors.js';
import { booleanOption, describe, functionOption, integerIn, knownKeys } from '../internal/options.js';
import type { CertificateInput } from '../cert/certificate.js';
import { Identity } from '../identity/identity.js';
import { requireStrongIdentity } from '../identity/key-strength.js';
import { resolveAnchors, resolveMinVersion, DEFAULT_VERIFY_TIMEOUT_MS, type TlsVerifyHook, type TlsVersion } from '../tls/index.js';
import { alpnOption } from './connect-options.js';
import { DEFAULT_MAX_MESSAGE_SIZE } from './framing.js';
import { checkAdvertiseOptions, type AdvertiseOptions } from '../discovery/index.js';
import type { WorkerRestartOptions } from './worker-options.js';

/**
 * Options of {@link createListener}. Every timeout is in milliseconds.
 *
 * - `identity` (required): the listener's certificate chain and key.
 * - `port` (required): 0 picks any free port (read `listener.port` once ready).
 * - `host`: the address to bind. Default: all addresses ('::', which also accepts IPv4 where the system allows).
 * - `minVersion`: 'TLSv1.2' (default) or 'TLSv1.3'; anything lower is a ConfigError.
 * - `alpn`: ALPN protocols to accept, in preference order. Default none.
 * - `requestClientCertificate`: ask clients for a certificate (verified when sent). Default false.
 * - `requireClientCertificate`: refuse clients without a certificate (implies request). Default false.
 * - `trustRoots`: roots for client certificates. Default none (so, with a request, only a `verify` hook can accept).
 * - `verify`: a hook deciding on each client (runs when client certificates are requested).
 * - `verifyTimeout`: how long the hook may take. Default 10 000.
 * - `handshakeTimeout`: a connection that has not finished its handshake by then is closed. Default 10 000.
 * - `maxConnections`: refuse TCP connections beyond this many. Default unlimited.
 * - `maxMessageSize`: for `sendMessage`/`messages` on accepted connections. Default 16 MiB.
 * - `advertise`: announce the listener by mDNS once ready (`true` or discovery's AdvertiseOptions:
 *   `{ hostName?, service?: { type, name, txt? }, interfaces?, pin? }`); a host-name conflict fails the
 *   listener with NAME_CONFLICT; goodbyes are sent on cancel. Default: not advertised.
 * - `workers`: serve the port from this many processes (1–64); needs `worker`. Returns a
 *   WorkerListener (see docs/transport.md, "Using more than one core"). Default: one, in this process.
 * - `worker`: path or file: URL of a module whose default export (or `onConnection`) receives each
 *   verified Connection in the worker process, and which may export `verify` (the hook, run there).
 * - `workerData`: JSON data passed to the worker module's handler (second argument). Default null.
 * - `restart`: restart policy for crashed workers (WorkerRestartOptions). Default `{ limit: 5, backoff: 100, maxBackoff: 5000, window: 60000 }`.
 *
 * @example
 * ```ts
 * createListener({ identity, port: 4433, requireClientCertificate: true, trustRoots: [ca.certificate] });
 * ```
 */
export interface ListenerOptions {
  identity: Identity;
  port: number;
  host?: string;
  minVersion?: TlsVersion;
  alpn?: readonly string[];
  requestClientCertificate?: boolean;
  requireClientCertificate?: boolean;
  trustRoots?: readonly CertificateInput[];
  verify?: TlsVerifyHook;
  verifyTimeout?: number;
  handshakeTimeout?: number;
  maxConnections?: number;
  maxMessageSize?: number;
  advertise?: boolean | AdvertiseOptions;
  workers?: number;
  worker?: string | URL;
  workerData?: unknown;
  restart?: WorkerRestartOptions;
}

const KNOWN = ['identity', 'port', 'host', 'minVersion', 'alpn', 'requestClientCertificate', 'requireClientCertificate', 'trustRoots', 'verify', 'verifyTimeout', 'handshakeTimeout', 'maxConnections', 'maxMessageSize', 'advertise', 'workers', 'worker', 'workerData', 'restart'];
const MAX_MS = 24 * 3600 * 1000;

/** Validated listener options (internal). */
export interface ResolvedListenerOptions {
  identity: Identity;
  port: number;
  host: string | undefined;
  minVersion: TlsVersion;
  alpn: string[] | undefined;
  requestCertificate: boolean;
  requireCertificate: boolean;
  anchors: ReturnType<typeof resolveAnchors>;
  verify: TlsVerifyHook | undefined;
  verifyTimeout: number;
  handshakeTimeout: number;
  maxConnections: number | undefined;
  maxMessageSize: number;
  /** discovery: what to advertise once ready, if anything. */
  advertise: AdvertiseOptions | undefined;
}

/** Checks an identity option (an Identity whose key is strong enough to use: WEAK_KEY otherwise). @example `identityOption('identity', await ca.issue({ hosts: ['a.local'] }))` */
export function identityOption(name: string, value: unknown): Identity {
  if (!(value instanceof Identity)) {
    throw new ConfigError('INVALID_OPTION', `${name}: expected an Identity (from ca.issue(), Identity.fromPKCS12() or an IdentityStore); found ${describe(value)}`);
  }
  requireStrongIdentity(value, `${name} (the listener's key)`);
  return value;
}

/** Validates listener options. @throws ConfigError INVALID_OPTION */
export function resolveListenerOptions(options: ListenerOptions): ResolvedListenerOptions {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `createListener options: expected { identity, port }; found ${describe(options)}`);
  knownKeys('createListener options', options, KNOWN);
  const identity = identityOption('identity', options.identity);
  const port = integerIn('port', options.port, 0, 65535);
  if (options.host !== undefined && (typeof options.host !== 'string' || isIP(options.host) === 0)) {
    throw new ConfigError('INVALID_OPTION', `host: expected an IP address to bind (e.g. '127.0.0.1', '::1', '0.0.0.0'); found ${describe(options.host)}`);
  }
  const require = options.requireClientCertificate === undefined ? false : booleanOption('requireClientCertificate', options.requireClientCertificate);
  const request = require || (options.requestClientCertificate === undefined ? false : booleanOption('requestClientCertificate', options.requestClientCertificate));
  return {
    identity,
    port,
    host: options.host,
    minVersion: resolveMinVersion(options.minVersion),
    alpn: alpnOption('alpn', options.alpn),
    requestCertificate: request,
    requireCertificate: require,
    anchors: resolveAnchors({ trustRoots: options.trustRoots, systemRoots: false }, false),
    verify: options.verify === undefined ? undefined : functionOption<TlsVerifyHook>('verify', options.verify),
    verifyTimeout: options.verifyTimeout === undefined ? DEFAULT_VERIFY_TIMEOUT_MS : integerIn('verifyTimeout', options.verifyTimeout, 1, MAX_MS),
    handshakeTimeout: options.handshakeTimeout === undefined ? 10_000 : integerIn('handshakeTimeout', options.handshakeTimeout, 1, MAX_MS),
    maxConnections: options.maxConnections === undefined ? undefined : integerIn('maxConnections', options.maxConnections, 1, 1_000_000),
    maxMessageSize: options.maxMessageSize === undefined ? DEFAULT_MAX_MESSAGE_SIZE : integerIn('maxMessageSize', options.maxMessageSize, 1, 2 ** 32 - 1),
    advertise: advertiseOption(options.advertise, identity),
  };
}

/** discovery: validates `advertise` now (it only runs once the listener is ready). @example `advertiseOption(true, identity)` */
function advertiseOption(value: unknown, identity: Identity): AdvertiseOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const options = value === true ? {} : value;
  if (typeof options !== 'object' || options === null) throw new ConfigError('INVALID_OPTION', `advertise: expected true or { hostName?, service?, interfaces?, pin? }; found ${describe(value)}`);
  checkAdvertiseOptions(options as AdvertiseOptions, identity);
  return options as AdvertiseOptions;
}
