import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as netServer } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Readable, Writable } from 'node:stream';
import { connect, createListener, ConnectionError } from '../../src/index.js';
import { closeListener, fixtures, freshCache, HOSTS, recordStates, until } from './fixtures.js';
import { rawTlsServer } from './peers.js';

async function freePort(host: string): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

for (const address of HOSTS) {
  test(`${address}: refused port → CONNECTION_REFUSED; with retry: waiting ↔ preparing, then failed; restart() from waiting`, async () => {
    const port = await freePort(address);
    const plain = connect(address, port, { sessionCache: freshCache() });
    await assert.rejects(plain.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CONNECTION_REFUSED' && /retry/.test(e.hint ?? ''));
    const retrying = connect(address, port, { retry: { attempts: 2, delay: 20 }, sessionCache: freshCache() });
    const states = recordStates(retrying);
    await until(retrying, ['failed']);
    assert.deepEqual(states, ['preparing', 'waiting', 'preparing', 'waiting', 'preparing', 'failed']);
    const manual = connect(address, port, { retry: { attempts: 1, delay: 60_000 }, sessionCache: freshCache() });
    await until(manual, ['waiting']);
    assert.throws(() => plain.restart(), (e: unknown) => e instanceof ConnectionError && e.code === 'INVALID_STATE');
    manual.restart();
    await until(manual, ['failed'], 3000);
  });

  test(`${address}: SNI is sent for names (never the resolved address) and not for IP literals`, async () => {
    const { ca, server } = await fixtures();
    for (const [host, expected] of [['listener-name.local', 'listener-name.local'], [address, false]] as const) {
      const peer = await rawTlsServer(server, address);
      try {
        const conn = connect(host, peer.port, { trustRoots: [ca.certificate], lookup: () => [address], sessionCache: freshCache() });
        await conn.ready;
        conn.cancel();
        const seen = await peer.firstConnection;
        assert.equal(seen.servername ?? false, expected);
      } finally {
        await peer.close();
      }
    }
  });
}

test('name errors: HOST_NOT_FOUND from an empty or failing lookup', async () => {
  const empty = connect('nowhere.local', 4433, { lookup: () => [], sessionCache: freshCache() });
  await assert.rejects(empty.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'HOST_NOT_FOUND' && /mDNS|lookup/.test(e.hint ?? ''));
  const failing = connect('nowhere.local', 4433, { lookup: async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); }, sessionCache: freshCache() });
  await assert.rejects(failing.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'HOST_NOT_FOUND');
});

test('TLS_VERSION_REFUSED (TLS 1.3 floor vs a TLS 1.2-only peer) and PROTOCOL_ERROR (not TLS)', async () => {
  const { ca, server } = await fixtures();
  const peer = await rawTlsServer(server, '127.0.0.1', { maxVersion: 'TLSv1.2' });
  const http = netServer((s) => { s.on('error', () => {}); s.resume(); s.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'); });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  try {
    const conn = connect('127.0.0.1', peer.port, { trustRoots: [ca.certificate], minVersion: 'TLSv1.3', sessionCache: freshCache() });
    await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'TLS_VERSION_REFUSED');
    const plain = connect('127.0.0.1', (http.address() as { port: number }).port, { sessionCache: freshCache() });
    await assert.rejects(plain.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'PROTOCOL_ERROR');
  } finally {
    await peer.close();
    await new Promise((r) => http.close(r));
  }
});

test('listener: port in use → failed ADDRESS_IN_USE; states once; setIdentity hot swap; cancel({ force })', async () => {
  const { ca, server } = await fixtures();
  const first = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  first.on('connection', (conn) => conn.send(conn.tls!.protocol, { final: true }));
  await first.ready;
  const second = createListener({ identity: server, port: first.port, host: '127.0.0.1' });
  const states = recordStates(second);
  await assert.rejects(second.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'ADDRESS_IN_USE');
  assert.deepEqual(states, ['failed']);
  try {
    const renewed = await ca.issue({ hosts: ['127.0.0.1'] });
    first.setIdentity(renewed);
    const conn = connect('127.0.0.1', first.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    await conn.ready;
    assert.equal(conn.tls!.peerCertificates[0]!.fingerprintSha256, renewed.certificate.fingerprintSha256);
    const held = connect('127.0.0.1', first.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    await held.ready;
    await new Promise((r) => setTimeout(r, 20));
    first.cancel({ force: true });
    const { isComplete } = await held.receive();
    assert.equal(isComplete, true, 'the peer going away shows as the end of its data');
    held.cancel();
    assert.equal(held.state, 'cancelled');
  } finally {
    await closeListener(first);
  }
});

test('framing: JSON and bytes messages round trip; MESSAGE_TOO_LARGE on send and on receive; Duplex + pipeline', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '::1', maxMessageSize: 64 });
  const serverErrors: string[] = [];
  listener.on('connection', async (conn) => {
    try {
      for await (const msg of conn.messages()) await conn.sendMessage(msg.type === 'json' ? { echo: msg.value } : msg.data);
      await conn.send(new Uint8Array(0), { final: true });
    } catch (e) { serverErrors.push((e as ConnectionError).code); }
  });
  await listener.ready;
  try {
    const conn = connect('::1', listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache(), maxMessageSize: 1024 });
    await conn.sendMessage({ table: 4 });
    await conn.sendMessage(new Uint8Array([1, 2, 3]));
    await assert.rejects(conn.sendMessage(new Uint8Array(2000)), (e: unknown) => e instanceof ConnectionError && e.code === 'MESSAGE_TOO_LARGE');
    const it = conn.messages();
    assert.deepEqual((await it.next()).value, { type: 'json', value: { echo: { table: 4 } }, data: new Uint8Array(Buffer.from('{"echo":{"table":4}}')) });
    const bytes = (await it.next()).value;
    assert.equal(bytes?.type, 'bytes');
    assert.deepEqual([...bytes!.data], [1, 2, 3]);
    await conn.sendMessage(new Uint8Array(100)); // over the listener's 64
    assert.equal((await it.next()).done, true, 'the listener closed the connection');
    assert.deepEqual(serverErrors, ['MESSAGE_TOO_LARGE']);

    const echo = createListener({ identity: server, port: 0, host: '127.0.0.1' });
    echo.on('connection', (c) => pipeline(c.toDuplex(), c.toDuplex()).catch(() => {}));
    await echo.ready;
    try {
      const d = connect('127.0.0.1', echo.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
      const chunks: Buffer[] = [];
      await pipeline(Readable.from([Buffer.from('a'.repeat(100_000)), Buffer.from('b')]), d.toDuplex(), new Writable({ write(c, _e, cb) { chunks.push(c); cb(); } }));
      assert.equal(Buffer.concat(chunks).length, 100_001);
    } finally {
      await closeListener(echo);
    }
  } finally {
    await closeListener(listener);
  }
});

test('a name resolving to several addresses: a refused one is skipped and the next is dialed; all refused → CONNECTION_REFUSED once', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  await listener.ready;
  try {
    // 127.0.0.2 is loopback too, but nothing listens on this port there: refused at once.
    const conn = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup: () => ['127.0.0.2', '127.0.0.1'], sessionCache: freshCache() });
    const states = recordStates(conn);
    await conn.ready;
    assert.equal(conn.remoteAddress, '127.0.0.1');
    conn.cancel();
    assert.deepEqual(states, ['preparing', 'ready', 'cancelled']);
    const port = await freePort('127.0.0.1');
    const none = connect('listener-name.local', port, { trustRoots: [ca.certificate], lookup: () => ['127.0.0.2', '127.0.0.1'], sessionCache: freshCache() });
    const noneStates = recordStates(none);
    await assert.rejects(none.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CONNECTION_REFUSED' && /via 127\.0\.0\.1/.test(e.message));
    assert.deepEqual(noneStates, ['preparing', 'failed']);
  } finally {
    await closeListener(listener);
  }
});
