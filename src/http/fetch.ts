/**
 * createFetch(): WHATWG fetch on undici whose connections are dialed and verified by localtls.
 */
import { Agent, fetch as undiciFetch, type RequestInfo, type RequestInit, type Response } from 'undici';
import { integerIn } from '../internal/options.js';
import { clientOptions, type HttpClientOptions } from './client-options.js';
import { httpsOrigin } from './origin.js';
import { dialVerified } from './secure-dial.js';

/**
 * Options of {@link createFetch}: every {@link HttpClientOptions} key, plus
 * - `connections`: the most connections kept per origin. Default unlimited.
 * - `keepAliveTimeout`: how long an idle connection is kept for reuse, in ms. Default 4000.
 *
 * @example `createFetch({ trustRoots: [ca.certificate], connections: 4 })`
 */
export interface FetchOptions extends HttpClientOptions {
  connections?: number;
  keepAliveTimeout?: number;
}

/**
 * A fetch bound to localtls verification. Call it like the global `fetch`; `close()` closes its
 * idle connections (and waits for requests in flight); `dispatcher` is the undici Agent.
 * @example `const res = await fetch('https://front-desk.local:8443/menu'); await fetch.close();`
 */
export interface LocalTlsFetch {
  (input: RequestInfo, init?: RequestInit): Promise<Response>;
  /** The undici Agent all requests go through. */
  readonly dispatcher: Agent;
  /** Closes the agent: waits for requests in flight, then closes every connection. */
  close(): Promise<void>;
}

/**
 * Creates a `fetch` (undici's, the engine of Node's global fetch) that only sends a request once
 * the server's certificate passed localtls verification: by default the SSL policy for the URL's
 * host against `trustRoots`, the installed trust store and the system roots; or your `verify` hook
 * (sync or async), run on every new TLS connection, resumed ones included, before any request
 * byte. Idle connections are reused (keep-alive) and sessions resumed. Only `https:` URLs.
 *
 * A failure rejects as fetch does (`TypeError: fetch failed`) with the LocalTlsError as its
 * `cause`: CERTIFICATE_VERIFY_FAILED, VERIFY_TIMEOUT, VERIFY_HOOK_ERROR, HOST_NOT_FOUND,
 * CONNECTION_REFUSED, HANDSHAKE_TIMEOUT, ... with the same message and hint as `connect()`.
 *
 * @throws ConfigError for bad options (synchronously).
 * @example
 * ```ts
 * import { createFetch } from 'localtls/http';
 * const fetch = createFetch({ trustRoots: [ca.certificate], identity: tablet });
 * const res = await fetch('https://front-desk.local:8443/orders', { method: 'POST', body: JSON.stringify(order) });
 * console.log(res.status, await res.json());
 * await fetch.close();
 * ```
 */
export function createFetch(options: FetchOptions = {}): LocalTlsFetch {
  const forOrigin = clientOptions('createFetch options', options, ['connections', 'keepAliveTimeout']);
  const connections = options.connections === undefined ? null : integerIn('connections', options.connections, 1, 1_000_000);
  const keepAliveTimeout = options.keepAliveTimeout === undefined ? 4000 : integerIn('keepAliveTimeout', options.keepAliveTimeout, 1, 24 * 3600 * 1000);
  const dispatcher = new Agent({
    connections,
    keepAliveTimeout,
    connect: (target, callback) => {
      let resolved;
      try {
        resolved = forOrigin(...httpsOrigin(target.protocol, target.hostname, target.port));
      } catch (error) {
        callback(error as Error, null);
        return;
      }
      dialVerified(resolved).then((socket) => callback(null, socket), (error: Error) => callback(error, null));
    },
  });
  const bound = ((input: RequestInfo, init?: RequestInit) => undiciFetch(input, { ...init, dispatcher })) as LocalTlsFetch;
  Object.defineProperty(bound, 'dispatcher', { value: dispatcher, enumerable: true });
  Object.defineProperty(bound, 'close', { value: () => dispatcher.close(), enumerable: true });
  return bound;
}
