import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener } from '../../src/index.js';
import { closeListener, fixtures, freshCache, HOSTS, loopbackLookup, readAll, recordStates, until } from './fixtures.js';

for (const address of HOSTS) {
  test(`seed flow over ${address}: by name (lookup) and by IP, echo both ways, states once each`, async () => {
    const { ca, server } = await fixtures();
    const listener = createListener({ identity: server, port: 0, host: address });
    const listenerStates = recordStates(listener);
    listener.on('connection', async (conn) => {
      for await (const chunk of conn) await conn.send(chunk);
      await conn.send(new Uint8Array(0), { final: true });
    });
    await listener.ready;
    assert.ok(listener.port > 0);
    try {
      for (const host of ['listener-name.local', address]) {
        const conn = connect(host, listener.port, { trustRoots: [ca.certificate], lookup: loopbackLookup(address), sessionCache: freshCache() });
        const states = recordStates(conn);
        const sent = conn.send('hello ');
        await conn.ready;
        await sent;
        await conn.send('world', { final: true });
        const echoed = await readAll(conn);
        assert.equal(echoed.toString(), 'hello world');
        await until(conn, ['cancelled', 'failed']);
        assert.deepEqual(states, ['preparing', 'ready', 'cancelled']);
        assert.equal(conn.tls?.serverName, host === address ? undefined : host);
        assert.equal(conn.tls?.peerCertificates[0]?.fingerprintSha256, server.certificate.fingerprintSha256);
        assert.equal(conn.tls?.trustResult?.trusted, true);
      }
    } finally {
      await closeListener(listener);
    }
    assert.deepEqual(listenerStates, ['ready', 'cancelled']);
  });
}
