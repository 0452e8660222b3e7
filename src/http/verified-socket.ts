/**
 * `socket.localtls`: what verification decided about the peer of an HTTP connection, on the
 * sockets createServer(), createFetch() and agent() hand out.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TlsInfo } from '../transport/index.js';

/**
 * A TLS socket that passed localtls verification. `localtls` is the same {@link TlsInfo} a
 * Connection has as `conn.tls`: protocol, cipher, ALPN, SNI, the peer's verified chain (leaf
 * first; empty when a client presented none), `resumed` and the `trustResult`.
 *
 * @example
 * ```ts
 * createServer({ identity, requireClientCertificate: true, trustRoots: [ca.certificate] }, (req, res) => {
 *   const tablet = (req.socket as VerifiedSocket).localtls.peerCertificates[0]?.subject;
 *   res.end(`hello ${tablet}`);
 * });
 * ```
 */
export interface VerifiedSocket extends TLSSocket {
  readonly localtls: TlsInfo;
}

/** Marks a socket as verified (non-enumerable, read-only). */
export function markVerified(socket: TLSSocket, info: TlsInfo): VerifiedSocket {
  Object.defineProperty(socket, 'localtls', { value: info, enumerable: false, configurable: false, writable: false });
  return socket as VerifiedSocket;
}

/**
 * The verification facts of a request's (or a socket's) connection, or undefined when it is not a
 * localtls-verified socket.
 *
 * @example
 * ```ts
 * server.on('request', (req, res) => res.end(peerInfo(req)?.peerCertificates[0]?.subject ?? 'anonymous'));
 * ```
 */
export function peerInfo(from: { socket: Socket | null } | Socket | null | undefined): TlsInfo | undefined {
  const socket = from && 'localtls' in from ? from : (from as { socket?: Socket | null } | null | undefined)?.socket;
  return (socket as Partial<VerifiedSocket> | null | undefined)?.localtls;
}
