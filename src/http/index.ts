/**
 * HTTPS, fetch and WebSocket on localtls identities and verification: `createServer` (Node's own
 * https.Server), `createFetch` (WHATWG fetch on undici) and `agent` (an https.Agent for node:https,
 * axios, got and ws). See docs/http.md.
 *
 * @example
 * ```ts
 * import { createServer, createFetch } from 'localtls/http';
 * const server = createServer({ identity }, (req, res) => res.end('hello')).listen(8443);
 * const fetch = createFetch({ trustRoots: [ca.certificate] });
 * console.log(await (await fetch('https://front-desk.local:8443/')).text());
 * ```
 * @packageDocumentation
 */
import '../internal/crypto-engine.js';

export { createServer, LocalTlsServer, type HttpServerOptions } from './server.js';
export { createFetch, type FetchOptions, type LocalTlsFetch } from './fetch.js';
export { agent, LocalTlsAgent, type HttpAgentOptions } from './agent.js';
export type { HttpClientOptions } from './client-options.js';
export { peerInfo, type VerifiedSocket } from './verified-socket.js';
export type { TlsInfo } from '../transport/index.js';
