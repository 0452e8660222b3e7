/**
 * Helpers for the hardening tests: raw TCP peers that misbehave on purpose (silent, trickling,
 * garbage, half a ClientHello, resets), a resetting proxy, a real ClientHello captured from
 * node:tls, and a crafted TLS 1.0/1.1-only ClientHello. Loopback only; every socket and server
 * here is closed by the test that made it.
 */
import { createHash } from 'node:crypto';
import { connect as netConnect, createServer as netServer, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect, type Listener } from '../../src/index.js';
import { fixtures, freshCache } from '../transport/fixtures.js';

export { fixtures, freshCache, closeListener, HOSTS, sleep, until, recordStates } from '../transport/fixtures.js';

/** Waits until `condition()` holds, polling every 10 ms, for at most `ms`. */
export async function waitFor(condition: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A raw TCP client that records what it received and when it closed. */
export interface RawClient {
  socket: Socket;
  /** Resolves when connected (ms timestamp). */
  connected: Promise<number>;
  /** Resolves when the socket closed (ms timestamp). */
  closed: Promise<number>;
  received(): Buffer;
  errors: string[];
}

/** Opens a plain TCP connection to host:port. Errors are recorded, never thrown. */
export function rawClient(host: string, port: number): RawClient {
  const socket = netConnect({ host, port });
  const chunks: Buffer[] = [];
  const errors: string[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
  const connected = new Promise<number>((r) => socket.once('connect', () => r(Date.now())));
  const closed = new Promise<number>((r) => socket.once('close', () => r(Date.now())));
  return { socket, connected, closed, received: () => Buffer.concat(chunks), errors };
}

/** Resolves with whichever comes first: the promise's value, or 'timeout' after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<'timeout'>((r) => { timer = setTimeout(r, ms, 'timeout'); })]).finally(() => clearTimeout(timer));
}

let helloCache: Promise<Buffer> | undefined;

/** The first flight of a real node:tls client (a TLS 1.2 + 1.3 ClientHello with SNI), captured once. */
export function realClientHello(): Promise<Buffer> {
  helloCache ??= new Promise<Buffer>((resolve, reject) => {
    const server = netServer((s) => {
      s.on('error', () => {});
      s.once('data', (d: Buffer) => { resolve(d); s.destroy(); server.close(); });
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const client = tlsConnect({ host: '127.0.0.1', port: (server.address() as { port: number }).port, servername: 'listener-name.local', minVersion: 'TLSv1.2' });
      client.on('error', () => {});
      client.on('close', () => client.destroy());
    });
  });
  return helloCache;
}

/**
 * A ClientHello offering only TLS 1.0 (`minor` 1) or TLS 1.1 (`minor` 2): no supported_versions
 * extension, classic CBC and ECDHE suites, as an old client would send.
 */
export function legacyClientHello(minor: 1 | 2): Buffer {
  const random = createHash('sha256').update(`hello-${minor}`).digest();
  const suites = Buffer.from([0xc0, 0x13, 0xc0, 0x14, 0xc0, 0x09, 0xc0, 0x0a, 0x00, 0x2f, 0x00, 0x35]);
  const extensions = Buffer.from([
    0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x1d, // supported_groups: P-256, X25519
    0x00, 0x0b, 0x00, 0x02, 0x01, 0x00, // ec_point_formats: uncompressed
    0xff, 0x01, 0x00, 0x01, 0x00, // renegotiation_info (empty)
  ]);
  const body = Buffer.concat([
    Buffer.from([0x03, minor]), random, Buffer.from([0x00]),
    Buffer.from([0x00, suites.length]), suites, Buffer.from([0x01, 0x00]),
    Buffer.from([extensions.length >> 8, extensions.length & 0xff]), extensions,
  ]);
  const handshake = Buffer.concat([Buffer.from([0x01, 0x00, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([0x16, 0x03, minor, handshake.length >> 8, handshake.length & 0xff]), handshake]);
}

/** A TLS alert record as received: level (1 warning, 2 fatal) and description (70 = protocol_version). */
export function parseAlert(bytes: Buffer): { level: number; description: number } | undefined {
  if (bytes.length < 7 || bytes[0] !== 0x15 || bytes[1] !== 0x03 || bytes.readUInt16BE(3) !== 2) return undefined;
  return { level: bytes[5]!, description: bytes[6]! };
}

/**
 * A TCP proxy in front of `target` that resets one side in the middle of the TLS handshake: once
 * the server's first flight starts to arrive, it forwards only its first half and then resets the
 * client side ('client-sees-reset', as if the server reset), or forwards it whole and resets the
 * server side ('server-sees-reset', as if the client reset after the ServerHello).
 */
export async function resettingProxy(host: string, target: number, mode: 'client-sees-reset' | 'server-sees-reset'): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => { sockets.add(s); s.on('error', () => {}); s.on('close', () => sockets.delete(s)); };
  const server: Server = netServer((down) => {
    track(down);
    const up = netConnect({ host, port: target });
    track(up);
    down.on('data', (d: Buffer) => { if (!up.destroyed) up.write(d); });
    up.once('data', (d: Buffer) => {
      if (mode === 'client-sees-reset') {
        down.write(d.subarray(0, Math.max(1, d.length >> 1)), () => setTimeout(() => down.resetAndDestroy(), 20));
        up.destroy();
      } else {
        down.write(d);
        setTimeout(() => up.resetAndDestroy(), 20);
        down.destroy();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

/** Proves the listener is still up: a verified connect() becomes ready and is closed again. */
export async function listenerAnswers(listener: Listener, host: string, ms = 5000): Promise<number> {
  const { ca } = await fixtures();
  const start = Date.now();
  const conn = connect(host, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache(), handshakeTimeout: ms });
  try {
    await conn.ready;
    return Date.now() - start;
  } finally {
    conn.cancel();
  }
}

/** A raw node:tls server that writes `earlyBytes` at once to each client and counts what it receives. */
export interface CountingTlsPeer {
  port: number;
  /** Resolves when the first TCP connection closed (whether or not its handshake finished). */
  firstClosed: Promise<{ handshakeDone: boolean; received: number }>;
  close(): Promise<void>;
}

export async function countingTlsServer(identity: import('../../src/index.js').Identity, host: string, earlyBytes: string): Promise<CountingTlsPeer> {
  const { createServer } = await import('node:tls');
  const sockets = new Set<Socket>();
  let handshakeDone = false;
  let received = 0;
  let resolveFirst!: (v: { handshakeDone: boolean; received: number }) => void;
  const firstClosed = new Promise<{ handshakeDone: boolean; received: number }>((r) => { resolveFirst = r; });
  const server = createServer({ ...identity.tlsOptions(), minVersion: 'TLSv1.2' }, (socket) => {
    handshakeDone = true;
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => { received += d.length; });
    socket.write(earlyBytes);
  });
  server.on('connection', (raw: Socket) => {
    sockets.add(raw);
    raw.on('error', () => {});
    raw.on('close', () => { sockets.delete(raw); resolveFirst({ handshakeDone, received }); });
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    firstClosed,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}
