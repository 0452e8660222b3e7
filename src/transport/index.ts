/**
 * The transport layer: Listener and Connection over node:tls with NWListener/NWConnection states,
 * verification before any data, message framing and name resolution hooks.
 *
 * @example
 * ```ts
 * import { createListener, connect } from 'localtls';
 * const listener = createListener({ identity, port: 0 });
 * await listener.ready;
 * const conn = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup: () => ['127.0.0.1'] });
 * await conn.ready;
 * ```
 */
export { connect } from './connect.js';
export { Connection, isConnection, type TlsInfo, type SendOptions } from './connection.js';
export type { ConnectOptions } from './connect-options.js';
export { createListener, Listener, type HandshakeErrorInfo } from './listener.js';
export type { ListenerOptions } from './listener-options.js';
export { WorkerListener, type WorkerListenerOptions, type WorkerExitInfo, type WorkerCloseOptions } from './worker-listener.js';
export { MAX_WORKERS, type WorkerRestartOptions } from './worker-options.js';
export type { ConnectionState, ListenerState } from './state.js';
export type { Received } from './receive-buffer.js';
export { DEFAULT_MAX_MESSAGE_SIZE, type Message } from './framing.js';
export { systemResolver, toNodeLookup, type Resolver, type ResolvedAddress } from './resolve.js';
