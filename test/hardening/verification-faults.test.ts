/**
 * Hardening: verify hooks that throw, hang or say no, on either side, and an mTLS rejection as the
 * client sees it. Each case fails with its own code, and what crossed the wire is checked on the
 * peer: no application byte moves in either direction. Real sockets on 127.0.0.1 and ::1.
 *
 * (A resumed session presented under another name is verified again and refused: proved per
 * address and TLS version in test/transport/pitfalls.test.ts; a hook saying no after send() and
 * the listener's mTLS hook saying no, with bytes counted on the peer, in
 * test/transport/verify-before-data.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect, createListener, ConnectionError, type TlsVerifyHook } from '../../src/index.js';
import { closeListener, countingTlsServer, fixtures, freshCache, HOSTS, listenerAnswers, sleep, waitFor, within } from './helpers.js';

const HOOK_TIMEOUT = 400;
const HOOKS: [string, TlsVerifyHook, string][] = [
  ['throws', () => { throw new Error('hook exploded'); }, 'VERIFY_HOOK_ERROR'],
  ['throws later (async)', async () => { await sleep(50); throw new Error('hook exploded later'); }, 'VERIFY_HOOK_ERROR'],
  ['hangs', () => new Promise<boolean>(() => {}), 'VERIFY_TIMEOUT'],
  ['says no', async () => { await sleep(50); return false; }, 'CERTIFICATE_VERIFY_FAILED'],
];

for (const host of HOSTS) {
  for (const [what, hook, code] of HOOKS) {
    test(`${host}: client verify hook that ${what} → failed ${code}; the peer received 0 application bytes and ours none of its`, async (t) => {
      const { ca, server } = await fixtures();
      const peer = await countingTlsServer(server, host, 'menu of the day (sent by the server at once)');
      try {
        const start = Date.now();
        const conn = connect(host, peer.port, { trustRoots: [ca.certificate], sessionCache: freshCache(), verify: hook, verifyTimeout: HOOK_TIMEOUT });
        const states: string[] = [];
        conn.on('state', (s: string) => states.push(s));
        const sent = conn.send('order 12: soup (must never leave before verification)');
        let delivered = 0;
        const reading = (async () => { for await (const chunk of conn) delivered += chunk.length; })().catch((e: unknown) => e);
        await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === code);
        await assert.rejects(sent, (e: unknown) => e instanceof ConnectionError && e.code === code);
        const readError = await reading;
        assert.ok(readError instanceof ConnectionError && readError.code === code);
        assert.equal(delivered, 0, 'the app received none of the peer’s bytes');
        if (code === 'VERIFY_TIMEOUT') assert.ok(Date.now() - start >= HOOK_TIMEOUT - 50, 'the time limit was honoured');
        const onPeer = await within(peer.firstClosed, 5000);
        assert.notEqual(onPeer, 'timeout', 'the peer saw the TCP connection close');
        assert.equal((onPeer as { received: number }).received, 0, 'the peer received no application byte');
        t.diagnostic(`peer: handshake ${(onPeer as { handshakeDone: boolean }).handshakeDone ? 'completed' : 'not completed'} before the close`);
        assert.deepEqual(states, ['preparing', 'failed']);
      } finally {
        await peer.close();
      }
    });

    test(`${host}: listener mTLS verify hook that ${what} → handshakeError ${code}, no 'connection'; the client received 0 application bytes`, async () => {
      const { ca, server, client } = await fixtures();
      const listener = createListener({ identity: server, port: 0, host, requestClientCertificate: true, trustRoots: [ca.certificate], verify: hook, verifyTimeout: HOOK_TIMEOUT });
      const errors: ConnectionError[] = [];
      let connections = 0;
      listener.on('handshakeError', (e: ConnectionError) => errors.push(e));
      listener.on('connection', (conn) => { connections++; void conn.send('welcome (must never reach a refused client)'); });
      await listener.ready;
      try {
        let received = 0;
        const raw = tlsConnect({ host, port: listener.port, ca: ca.certificate.toPEM(), servername: 'listener-name.local', ...client.tlsOptions() });
        raw.on('error', () => {});
        raw.on('data', (d: Buffer) => { received += d.length; });
        raw.on('secureConnect', () => raw.write('order 7: early bytes from the client'));
        const closed = new Promise<void>((r) => raw.on('close', () => r()));
        assert.notEqual(await within(closed, HOOK_TIMEOUT + 5000), 'timeout', 'the listener closed the refused client');
        await waitFor(() => errors.length === 1, 2000, 'a handshakeError');
        assert.equal(errors[0]!.code, code);
        assert.equal(connections, 0);
        assert.equal(received, 0, 'the refused client received no application byte');
        await waitFor(() => listener.openSocketCount === 0, 2000, 'the socket to be released');
        assert.equal(listener.state, 'ready');
      } finally {
        await closeListener(listener);
      }
    });
  }

  {
    test(`${host}: an mTLS rejection seen by the client → failed PEER_REJECTED_CERTIFICATE; its data never reaches the listener's app`, async (t) => {
      const { ca, server, strangerClient } = await fixtures();
      // TLS 1.3 (what both ends negotiate): the listener can only refuse after the client's Finished.
      const listener = createListener({ identity: server, port: 0, host, requireClientCertificate: true, trustRoots: [ca.certificate] });
      const errors: ConnectionError[] = [];
      let connections = 0;
      listener.on('handshakeError', (e: ConnectionError) => errors.push(e));
      listener.on('connection', () => { connections++; });
      await listener.ready;
      try {
        const conn = connect(host, listener.port, { trustRoots: [ca.certificate], identity: strangerClient, sessionCache: freshCache() });
        const states: string[] = [];
        conn.on('state', (s: string) => states.push(s));
        const sent = conn.send('order 3: must not be read by a listener that refused us');
        let delivered = 0;
        const reading = (async () => { for await (const chunk of conn) delivered += chunk.length; })().catch((e: unknown) => e);
        const readError = await within(reading, 5000);
        assert.ok(readError instanceof ConnectionError, `reading ended with ${String(readError)}`);
        assert.equal(readError.code, 'PEER_REJECTED_CERTIFICATE');
        assert.equal(conn.state, 'failed');
        assert.equal(conn.error?.code, 'PEER_REJECTED_CERTIFICATE');
        assert.match(conn.error?.hint ?? '', /trusts the CA/);
        assert.equal(delivered, 0);
        await sent.catch(() => {});
        await waitFor(() => errors.length === 1, 2000, "the listener's handshakeError");
        assert.equal(errors[0]!.code, 'CERTIFICATE_VERIFY_FAILED');
        assert.equal(connections, 0, "the listener's app never saw the connection (nor its bytes)");
        assert.equal(states.at(-1), 'failed');
        assert.equal(states.filter((s) => s === 'failed').length, 1);
        // The listener verifies client certificates after the TLS handshake (in JS, before any data),
        // so the client's handshake completes first: it may report `ready` for the moment it takes the
        // listener's refusal to arrive, then fails. Recorded, not hidden:
        t.diagnostic(`client states: ${states.join(' → ')}`);
        assert.ok(['preparing,failed', 'preparing,ready,failed'].includes(states.join(',')), states.join(','));
      } finally {
        await closeListener(listener);
      }
    });
  }
}

test('the process survived every hook above: a listener still answers', async () => {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  listener.on('connection', (conn) => conn.cancel());
  await listener.ready;
  try {
    const ms = await listenerAnswers(listener, '127.0.0.1');
    assert.ok(ms < 5000);
  } finally {
    await closeListener(listener);
  }
});
