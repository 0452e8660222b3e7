import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { createListener, connect, type LocalTlsError } from '../../src/index.js';
import { fixtures, loopbackLookup, until } from './fixtures.js';

test('messages write IPv6 peers in brackets ([::1]:port)', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '::1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const conn = connect('::1', port, { connectTimeout: 3000 });
  await until(conn, ['failed', 'waiting'], 10_000);
  assert.match(String(conn.error?.message), new RegExp(`\\[::1\\]:${port}`));
  conn.cancel();
});

test("a refused client's handshakeError carries its address; conn.remoteAddress is known when dialed through a lookup", async () => {
  const { ca, server, strangerClient } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1', requireClientCertificate: true, trustRoots: [ca.certificate] });
  try {
    await listener.ready;
    const refused = once(listener, 'handshakeError');
    const stranger = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], identity: strangerClient, lookup: loopbackLookup('127.0.0.1') });
    const [error, info] = await refused as [LocalTlsError, { remoteAddress?: string; remotePort?: number }];
    assert.equal(info.remoteAddress, '127.0.0.1');
    assert.ok((info.remotePort ?? 0) > 0);
    assert.doesNotMatch(error.message, /undefined/);
    await until(stranger, ['failed', 'ready'], 10_000);
    stranger.cancel();
    const { client } = await fixtures();
    const ok = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], identity: client, lookup: loopbackLookup('127.0.0.1') });
    await ok.ready;
    assert.equal(ok.remoteAddress, '127.0.0.1');
    ok.cancel();
  } finally {
    listener.cancel({ force: true });
  }
});
