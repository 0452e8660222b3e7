/**
 * Options shared by {@link createFetch} and {@link agent}: the verification options of `connect()`
 * (validated by the transport's own resolver, so both clients mean exactly what `connect()` means),
 * checked once when the client is made and resolved again for each new connection.
 */
import { ConfigError } from '../errors.js';
import { describe, knownKeys } from '../internal/options.js';
import { resolveConnectOptions, type ConnectOptions, type ResolvedConnectOptions } from '../transport/connect-options.js';

/**
 * How an HTTP client verifies servers (the options of `connect()` that make sense per request).
 *
 * - `trustRoots`: roots to trust besides the installed trust store and the system roots. Default none.
 * - `systemRoots`: also trust node:tls's bundled public roots. Default true.
 * - `trustStore`: also trust the roots installed in the trust store (true = the default store). Default true.
 * - `verify`: a hook that decides instead of the default verifier (the SSL policy for the URL's host);
 *   sync or async; runs on every new TLS connection (resumed ones included) before any request byte.
 * - `verifyTimeout`: how long the hook may take. Default 10 000 ms (VERIFY_TIMEOUT after).
 * - `identity`: a client certificate for servers that ask for one (mutual TLS). Default none.
 * - `minVersion`: 'TLSv1.2' (default) or 'TLSv1.3'.
 * - `handshakeTimeout` / `connectTimeout`: per connection. Default 10 000 ms each.
 * - `lookup`: a resolver for host names. Default: `.local` names by the library's mDNS resolver,
 *   other names by the system resolver. The certificate is always verified against the URL's host.
 * - `resumption`: resume TLS sessions (verification still runs on them). Default true.
 * - `sessionCache`: where sessions are kept. Default: the process-wide cache.
 *
 * @example
 * ```ts
 * const fetch = createFetch({ trustRoots: [ca.certificate], identity: tabletIdentity });
 * ```
 */
export type HttpClientOptions = Pick<ConnectOptions,
  'trustRoots' | 'systemRoots' | 'trustStore' | 'verify' | 'verifyTimeout' | 'identity' | 'minVersion' |
  'handshakeTimeout' | 'connectTimeout' | 'lookup' | 'resumption' | 'sessionCache'>;

/** The keys of {@link HttpClientOptions}. */
export const CLIENT_KEYS = ['trustRoots', 'systemRoots', 'trustStore', 'verify', 'verifyTimeout', 'identity', 'minVersion', 'handshakeTimeout', 'connectTimeout', 'lookup', 'resumption', 'sessionCache'] as const;

/** HTTP/1.1 is what both clients speak; offered by ALPN so servers that also speak h2 pick 1.1. */
const ALPN = ['http/1.1'];

/**
 * Validates the client options now (a ConfigError at createFetch()/agent() time) and returns a
 * function giving the resolved connect options for one origin.
 * @example `const forOrigin = clientOptions('createFetch options', options, []); forOrigin('a.local', 443)`
 */
export function clientOptions(name: string, options: unknown, extraKeys: readonly string[]): (host: string, port: number) => ResolvedConnectOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError('INVALID_OPTION', `${name}: expected an object; found ${describe(options)}`);
  knownKeys(name, options as object, [...CLIENT_KEYS, ...extraKeys]);
  const connectOptions: ConnectOptions = { alpn: ALPN };
  for (const key of CLIENT_KEYS) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) (connectOptions as Record<string, unknown>)[key] = value;
  }
  resolveConnectOptions('localhost', 443, connectOptions); // validate every option once, now
  // Resolved per connection, as connect() does: the installed trust store is read then (cached
  // until its directory changes), so a root installed after createFetch() is trusted from then on.
  return (host, port) => resolveConnectOptions(host, port, connectOptions);
}
