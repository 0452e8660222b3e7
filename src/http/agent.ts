/**
 * agent(): an https.Agent whose sockets are dialed and verified by localtls, for node:https,
 * axios, got and ws.
 */
import { Agent as HttpsAgent, type AgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { booleanOption, integerIn } from '../internal/options.js';
import { clientOptions, type HttpClientOptions } from './client-options.js';
import { httpsOrigin } from './origin.js';
import { dialVerified } from './secure-dial.js';

/**
 * Options of {@link agent}: every {@link HttpClientOptions} key, plus
 * - `keepAlive`: keep idle sockets for reuse. Default true.
 * - `maxSockets`: per origin. Default unlimited. `maxFreeSockets`: idle ones kept. Default 256.
 *
 * @example `agent({ trustRoots: [ca.certificate], maxSockets: 8 })`
 */
export interface HttpAgentOptions extends HttpClientOptions {
  keepAlive?: boolean;
  maxSockets?: number;
  maxFreeSockets?: number;
}

type CreateConnectionCallback = (error: Error | null, socket: Duplex) => void;

/**
 * The https.Agent {@link agent} returns. TLS options passed per request (`ca`, `rejectUnauthorized`,
 * `cert`, ...) are ignored: verification is the agent's, as configured.
 */
export class LocalTlsAgent extends HttpsAgent {
  readonly #forOrigin: ReturnType<typeof clientOptions>;

  /** Use {@link agent}. */
  constructor(options: HttpAgentOptions = {}) {
    const forOrigin = clientOptions('agent options', options, ['keepAlive', 'maxSockets', 'maxFreeSockets']);
    const base: AgentOptions = {
      keepAlive: options.keepAlive === undefined ? true : booleanOption('keepAlive', options.keepAlive),
      ...(options.maxSockets === undefined ? {} : { maxSockets: integerIn('maxSockets', options.maxSockets, 1, 1_000_000) }),
      maxFreeSockets: options.maxFreeSockets === undefined ? 256 : integerIn('maxFreeSockets', options.maxFreeSockets, 1, 1_000_000),
    };
    super(base);
    this.#forOrigin = forOrigin;
  }

  /** Dials and verifies; the request is given the socket only once verification passed. */
  override createConnection(options: { host?: string | null; hostname?: string | null; port?: number | string | null; protocol?: string | null }, callback?: CreateConnectionCallback): Duplex | null | undefined {
    const done: CreateConnectionCallback = callback ?? (() => {});
    let resolved;
    try {
      resolved = this.#forOrigin(...httpsOrigin(options.protocol ?? undefined, options.hostname ?? options.host ?? 'localhost', options.port));
    } catch (error) {
      process.nextTick(done, error as Error, undefined as unknown as Duplex);
      return undefined;
    }
    dialVerified(resolved).then((socket) => done(null, socket), (error: Error) => done(error, undefined as unknown as Duplex));
    return undefined;
  }
}

/**
 * An `https.Agent` that verifies servers the localtls way, for `https.request`, axios
 * (`httpsAgent`), got (`agent: { https }`) and ws (`new WebSocket(url, { agent })`). Same options
 * and failures as {@link createFetch}: the request's 'error' event carries the LocalTlsError itself.
 *
 * @throws ConfigError for bad options (synchronously).
 * @example
 * ```ts
 * import { agent } from 'localtls/http';
 * import WebSocket from 'ws';
 * const tablet = agent({ trustRoots: [ca.certificate], identity: tabletIdentity });
 * https.get('https://front-desk.local:8443/menu', { agent: tablet }, (res) => res.pipe(process.stdout));
 * const feed = new WebSocket('wss://front-desk.local:8443/feed', { agent: tablet });
 * ```
 */
export function agent(options: HttpAgentOptions = {}): LocalTlsAgent {
  return new LocalTlsAgent(options);
}
