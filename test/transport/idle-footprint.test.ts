/**
 * What the idle-connection diet (issue 13) must not change: a listener's connection still knows the
 * client's address and port (read from the TCP handle, interned), `conn.tls` built on first use is
 * the same object every time and right, openSocketCount counts a verified socket until it really
 * closes (not when its Connection ends), and a socket error with no other listener reaches the
 * connection as a typed failure without throwing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as tlsConnect, createServer as tlsServer, type TLSSocket } from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Certificate } from '../../src/cert/certificate.js';
import { createServer as createNetServer, connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { createListener, connect, LocalTlsError, type Connection } from '../../src/index.js';
import { peerAddress } from '../../src/transport/peer-address.js';
import { fixtures, until } from './fixtures.js';

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

for (const host of ['127.0.0.1', '::1'] as const) {
  test(`${host}: a listener's connection has the client's address and port; conn.tls is built once and right`, async () => {
    const { ca, server } = await fixtures();
    const listener = createListener({ identity: server, port: 0, host, alpn: ['orders/1'] });
    try {
      await listener.ready;
      const accepted: Connection[] = [];
      listener.on('connection', (c: Connection) => accepted.push(c));
      const clients = [0, 1, 2].map(() => connect(host, listener.port, { trustRoots: [ca.certificate], alpn: ['orders/1'] }));
      await Promise.all(clients.map((c) => c.ready));
      await waitFor(() => accepted.length === 3, 5000, 'three connections');
      const ports = new Set(clients.map((c) => c.localPort));
      for (const conn of accepted) {
        assert.equal(conn.host, host);
        assert.equal(conn.remoteAddress, host);
        assert.ok(ports.has(conn.port), `port ${conn.port} is one of the clients' local ports`);
        const info = conn.tls!;
        assert.equal(conn.tls, info, 'the same object on every read');
        assert.equal(info.protocol, 'TLSv1.3');
        assert.equal(info.alpn, 'orders/1');
        assert.match(info.cipher, /^TLS_/);
        assert.deepEqual(info.peerCertificates, []);
        assert.equal(info.trustResult, undefined);
        assert.equal(info.exportKeyingMaterial(16, 'EXPORTER-test').length, 16);
        assert.deepEqual(JSON.parse(JSON.stringify(info)).protocol, 'TLSv1.3', 'toJSON shows the facts');
      }
      assert.equal(new Set(accepted.map((c) => c.port)).size, 3, 'each connection its own port');
      for (const c of clients) c.cancel();
    } finally {
      listener.cancel({ force: true });
    }
  });
}

test('peerAddress reads a connected socket like remoteAddress/remotePort and leaves no cached _peername', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  try {
    await listener.ready;
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port: listener.port, ca: ca.certificate.toPEM() });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    const read = peerAddress(socket);
    assert.equal((socket as unknown as { _peername?: unknown })._peername, undefined);
    assert.deepEqual(read, { address: '127.0.0.1', port: listener.port });
    assert.equal(peerAddress(socket).address, read.address);
    socket.destroy();
    await once(socket, 'close');
    assert.deepEqual(peerAddress(socket), { address: undefined, port: undefined }, 'closed: nothing to read, no throw');
  } finally {
    listener.cancel({ force: true });
  }
});

test('openSocketCount keeps a verified socket until it closes, also after its Connection ended', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  try {
    await listener.ready;
    const accepted = once(listener, 'connection') as Promise<[Connection]>;
    // A raw client that never answers close_notify: the listener's graceful cancel leaves the socket
    // open (ended, waiting for the peer) after the Connection is already 'cancelled'.
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port: listener.port, ca: ca.certificate.toPEM(), allowHalfOpen: true } as object);
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    const [conn] = await accepted;
    assert.equal(listener.openSocketCount, 1);
    assert.equal(listener.connectionCount, 1);
    conn.cancel();
    assert.equal(conn.state, 'cancelled');
    assert.equal(listener.connectionCount, 0);
    assert.equal(listener.openSocketCount, 1, 'the socket is still open');
    socket.destroy();
    await waitFor(() => listener.openSocketCount === 0, 3000, 'the socket to close');
  } finally {
    listener.cancel({ force: true });
  }
});

test('a reset after ready fails the client connection with a typed error and throws nothing (the socket error reaches the emit hook)', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  // A TCP proxy in front of the listener, so the client's side can be reset without touching a
  // socket node:tls wraps.
  const upstreams = new Set<Socket>();
  const downstreams = new Set<Socket>();
  const proxy = createNetServer((down) => {
    downstreams.add(down);
    down.on('error', () => {});
    const up = netConnect(listener.port, '127.0.0.1');
    upstreams.add(up);
    up.on('error', () => {});
    down.pipe(up);
    up.pipe(down);
  });
  try {
    await listener.ready;
    listener.on('connection', (conn: Connection) => { void (async () => { for await (const chunk of conn) await conn.send(chunk); })().catch(() => {}); });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const client = connect('127.0.0.1', (proxy.address() as AddressInfo).port, { trustRoots: [ca.certificate] });
    await client.ready;
    // One echoed round trip first: everything the listener sent (session tickets) has been read, so
    // the reset arrives at a reading socket with nothing before it (not as an orderly end).
    await client.send('ping');
    assert.equal(Buffer.from((await client.receive({ min: 4 })).data).toString(), 'ping');
    for (const down of downstreams) down.resetAndDestroy();
    await until(client, ['failed', 'cancelled'], 5000);
    assert.equal(client.state, 'failed');
    assert.ok(client.error instanceof LocalTlsError, 'a LocalTlsError');
    assert.match(client.error.code, /^[A-Z_]+$/);
    assert.match(client.error.message, /127\.0\.0\.1/);
  } finally {
    for (const up of upstreams) up.destroy();
    proxy.close();
    listener.cancel({ force: true });
  }
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Opens a connection, waits until it is ready and cancels it; only a WeakRef to it is kept. */
async function openAndCancel(port: number, trustRoots: Certificate[]): Promise<WeakRef<Connection>> {
  const conn = connect('127.0.0.1', port, { trustRoots, resumption: false });
  await conn.ready;
  conn.cancel();
  return new WeakRef(conn);
}

test("cancel() holds nothing once the socket has closed (its grace timer is cleared); a peer that never answers close is destroyed after the grace period", async () => {
  const { ca, server } = await fixtures();
  const peers = new Set<TLSSocket>();
  const closedAt = new Map<TLSSocket, number>();
  let answerClose = true;
  // A node:tls server: answers our close with its own (the common case), or, later, never does.
  const peer = tlsServer({ ...server.tlsOptions(), allowHalfOpen: true } as object, (socket: TLSSocket) => {
    peers.add(socket);
    socket.on('error', () => {});
    socket.on('end', () => { if (answerClose) socket.end(); });
    socket.on('close', () => closedAt.set(socket, Date.now()));
  });
  peer.on('tlsClientError', () => {});
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  const port = (peer.address() as AddressInfo).port;
  try {
    const ref = await openAndCancel(port, [ca.certificate]);
    await waitFor(() => peers.size === 1 && closedAt.size === 1, 3000, 'the peer to see the close');
    // Well inside the 2 s grace period: a pending grace timer would still hold the socket and,
    // through it, the connection.
    await waitFor(() => { gc(); return ref.deref() === undefined; }, 1000, 'the closed connection to be collected');

    answerClose = false;
    const silent = connect('127.0.0.1', port, { trustRoots: [ca.certificate], resumption: false });
    await silent.ready;
    await waitFor(() => peers.size === 2, 3000, 'the second peer socket');
    const openSockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const withClient = openSockets();
    const cancelledAt = Date.now();
    silent.cancel();
    assert.equal(silent.state, 'cancelled');
    // The peer never answers our close: our socket stays open (ended) until the grace period destroys it.
    await waitFor(() => openSockets() < withClient, 5000, 'the grace period to destroy our socket');
    const waited = Date.now() - cancelledAt;
    assert.ok(waited >= 1500 && waited < 4000, `destroyed ${waited} ms after cancel(); expected after the 2 s grace period`);
  } finally {
    for (const s of peers) s.destroy();
    await new Promise((r) => peer.close(r));
  }
});
