import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect, createListener, ConnectionError } from '../../src/index.js';
import { closeListener, fixtures, freshCache, HOSTS, sleep, until } from './fixtures.js';
import { rawTlsServer } from './peers.js';

for (const address of HOSTS) {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`${address} ${version}: an async hook that says no after send() → the peer received 0 application bytes, and ours saw none of its bytes`, async () => {
      const { ca, server } = await fixtures();
      const peer = await rawTlsServer(server, address, { maxVersion: version, earlyBytes: 'early bytes from the server' });
      try {
        let hookSawPeerData = false;
        const conn = connect(address, peer.port, {
          trustRoots: [ca.certificate], sessionCache: freshCache(),
          verify: async () => { await sleep(150); return false; },
        });
        const sent = conn.send('secret order that must never leave');
        const received = conn.receive().then(() => { hookSawPeerData = true; }, (e: unknown) => e);
        await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CERTIFICATE_VERIFY_FAILED');
        await assert.rejects(sent, (e: unknown) => e instanceof ConnectionError && e.code === 'CERTIFICATE_VERIFY_FAILED');
        const err = await received;
        assert.ok(err instanceof ConnectionError);
        assert.equal(hookSawPeerData, false);
        const onPeer = await peer.firstConnection;
        assert.equal(onPeer.received, 0, 'the peer must receive no application byte');
        assert.equal(conn.state, 'failed');
      } finally {
        await peer.close();
      }
    });

    test(`${address} ${version}: the listener's mTLS hook says no → its app never sees the client's early bytes and no 'connection'`, async () => {
      const { ca, server, client } = await fixtures();
      let hookCalls = 0;
      const listener = createListener({
        identity: server, port: 0, host: address, requestClientCertificate: true, trustRoots: [ca.certificate],
        verify: async (ctx) => { hookCalls++; assert.equal(ctx.side, 'server'); await sleep(150); return false; },
      });
      let connections = 0;
      listener.on('connection', () => { connections++; });
      const refused = new Promise<ConnectionError>((r) => listener.once('handshakeError', r));
      await listener.ready;
      try {
        let clientReceived = 0;
        const raw = tlsConnect({ host: address, port: listener.port, ca: ca.certificate.toPEM(), servername: 'listener-name.local', ...client.tlsOptions(), minVersion: version, maxVersion: version });
        raw.on('error', () => {});
        raw.on('data', (d: Buffer) => { clientReceived += d.length; });
        raw.on('secureConnect', () => raw.write('early client bytes'));
        const closed = new Promise((r) => raw.on('close', r));
        const error = await refused;
        assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
        await closed;
        assert.equal(connections, 0);
        assert.equal(hookCalls, 1);
        assert.equal(clientReceived, 0, 'the listener must send no application byte to a refused client');
        assert.equal(listener.handshakeErrorCount, 1);
      } finally {
        await closeListener(listener);
      }
    });

    test(`${address} ${version}: connect() with a client certificate the listener refuses → PEER_REJECTED_CERTIFICATE`, async () => {
      const { ca, server, strangerClient } = await fixtures();
      const listener = createListener({ identity: server, port: 0, host: address, requireClientCertificate: true, trustRoots: [ca.certificate], minVersion: version });
      await listener.ready;
      try {
        const conn = connect(address, listener.port, { trustRoots: [ca.certificate], identity: strangerClient, sessionCache: freshCache() });
        await until(conn, ['failed', 'cancelled']);
        assert.equal(conn.state, 'failed');
        assert.equal(conn.error?.code, 'PEER_REJECTED_CERTIFICATE');
        assert.match(conn.error?.hint ?? '', /trusts the CA/);
      } finally {
        await closeListener(listener);
      }
    });
  }
}

test('mTLS accepted: the listener sees the verified client chain; a client without a certificate is refused when required', async () => {
  const { ca, server, client } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1', requireClientCertificate: true, trustRoots: [ca.certificate] });
  const errors: string[] = [];
  listener.on('handshakeError', (e: ConnectionError) => errors.push(e.code));
  listener.on('connection', async (conn) => {
    await conn.send(conn.tls!.peerCertificates[0]!.subjectAltNames.map((s: { value: string }) => s.value).join(','), { final: true });
  });
  await listener.ready;
  try {
    const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], identity: client, sessionCache: freshCache() });
    const { data } = await conn.receive({ min: 1 });
    assert.equal(Buffer.from(data).toString(), 'waiter-tablet.local');
    conn.cancel();
    const bare = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    // The listener asked for a certificate (a CertificateRequest came), so its close right after the
    // handshake is its refusal, not a clean end (issue 14.7 keeps that distinction).
    await until(bare, ['failed', 'cancelled']);
    assert.equal(bare.error?.code, 'CONNECTION_RESET');
    assert.match(bare.error?.hint ?? '', /client certificate/);
    for (let i = 0; i < 50 && errors.length === 0; i++) await sleep(10);
    assert.deepEqual(errors, ['CERTIFICATE_VERIFY_FAILED']);
  } finally {
    await closeListener(listener);
  }
});
