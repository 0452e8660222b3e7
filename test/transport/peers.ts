/** Raw node:tls and node:net peers for checking what actually crossed the wire. Loopback only. */
import { createServer as netServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as tlsServer, type TLSSocket } from 'node:tls';
import type { Identity } from '../../src/identity/identity.js';

/** A raw TLS server that counts the application bytes each client sent, and can write early bytes. */
export interface RawTlsPeer {
  port: number;
  /** Resolves with the bytes received on the first connection once it closes. */
  firstConnection: Promise<{ received: number; servername: string | false | undefined }>;
  close(): Promise<void>;
}

export async function rawTlsServer(identity: Identity, host: string, options: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; minVersion?: 'TLSv1.2' | 'TLSv1.3'; earlyBytes?: string } = {}): Promise<RawTlsPeer> {
  const sockets = new Set<TLSSocket>();
  let resolveFirst!: (v: { received: number; servername: string | false | undefined }) => void;
  const firstConnection = new Promise<{ received: number; servername: string | false | undefined }>((r) => { resolveFirst = r; });
  const server = tlsServer({ ...identity.tlsOptions(), minVersion: options.minVersion ?? 'TLSv1.2', maxVersion: options.maxVersion ?? 'TLSv1.3' }, (socket) => {
    sockets.add(socket);
    let received = 0;
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => { received += d.length; });
    socket.on('close', () => { sockets.delete(socket); resolveFirst({ received, servername: (socket as unknown as { servername?: string | false }).servername }); });
    if (options.earlyBytes) socket.write(options.earlyBytes);
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    firstConnection,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** A TCP server that accepts and never answers (a "mute" TLS server). */
export async function muteServer(host: string): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: NetServer = netServer((s) => { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
