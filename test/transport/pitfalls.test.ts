import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { connect, createListener, ConnectionError, SessionCache } from '../../src/index.js';
import { closeListener, fixtures, freshCache, HOSTS, loopbackLookup, sleep, until } from './fixtures.js';
import { muteServer } from './peers.js';

async function waitFor(condition: () => boolean, ms = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await sleep(10);
  }
}

for (const address of HOSTS) {
  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`${address} ${version}: resumption is on by default and still verified; a session replayed under another name is verified again and refused`, async () => {
      const { ca, server } = await fixtures();
      const listener = createListener({ identity: server, port: 0, host: address, minVersion: version });
      listener.on('connection', (conn) => conn.send('hi', { final: true }));
      await listener.ready;
      const cache = new SessionCache();
      const seen: { host: string; resumed: boolean }[] = [];
      const verify = async (ctx: import('../../src/index.js').TlsVerifyContext) => { seen.push({ host: ctx.host, resumed: ctx.resumed }); return ctx.evaluate(); };
      const options = { trustRoots: [ca.certificate], lookup: loopbackLookup(address), sessionCache: cache, verify };
      try {
        const first = connect('listener-name.local', listener.port, options);
        await first.ready;
        assert.equal(first.tls?.resumed, false);
        await first.receive({ min: 2 });
        await waitFor(() => cache.size === 1);
        // The session is stored without the server certificate (resuming would parse it again), as
        // plain DER (Node 20) and inside Node 24's envelope alike.
        const stored = cache.get(cache.keys()[0]!)!.session;
        assert.equal(stored.indexOf(Buffer.from(server.certificate.der)), -1, 'the stored session holds no copy of the certificate');
        const second = connect('listener-name.local', listener.port, options);
        await second.ready;
        assert.equal(second.tls?.resumed, true, 'reconnects resume by default');
        assert.equal(second.tls?.peerCertificates[0]?.fingerprintSha256, server.certificate.fingerprintSha256);
        assert.deepEqual(seen.map((s) => s.resumed), [false, true], 'the hook ran on the resumed session too');
        second.cancel();

        // Replay the session under another name (as a cache keyed by address only would).
        const [key] = cache.keys();
        const evilKey = key!.replaceAll('listener-name.local', 'evil.local');
        cache.set(evilKey, cache.get(key!)!);
        const evil = connect('evil.local', listener.port, options);
        await until(evil, ['failed', 'ready', 'cancelled']);
        assert.equal(evil.state, 'failed');
        assert.equal(evil.error?.code, 'CERTIFICATE_VERIFY_FAILED');
        assert.equal((evil.error?.details?.trustResult as { error?: { code: string } }).error?.code, 'HOSTNAME_MISMATCH');
        assert.equal(seen.at(-1)?.host, 'evil.local', 'verified for the new name');
        // Node 20 resumes the replayed session (the pitfall); newer Node lines refuse to resume it upstream.
        if (Number(process.versions.node.split('.')[0]) < 22) assert.equal(seen.at(-1)?.resumed, true, 'the replayed session did resume on Node 20');
        assert.equal(cache.get(evilKey), undefined, 'a refused session is forgotten');
      } finally {
        await closeListener(listener);
      }
    });
  }

  test(`${address}: a silent TCP client is dropped at the listener's handshake deadline; open sockets back to 0`, async () => {
    const { server } = await fixtures();
    const listener = createListener({ identity: server, port: 0, host: address, handshakeTimeout: 300 });
    const errors: string[] = [];
    listener.on('handshakeError', (e: ConnectionError) => errors.push(e.code));
    await listener.ready;
    try {
      const silent = netConnect({ host: address, port: listener.port });
      silent.on('error', () => {});
      const closed = new Promise((r) => silent.on('close', r));
      await waitFor(() => listener.openSocketCount === 1);
      const start = Date.now();
      await closed;
      const elapsed = Date.now() - start;
      assert.ok(elapsed < 2000, `closed after ${elapsed} ms`);
      await waitFor(() => listener.openSocketCount === 0);
      assert.deepEqual(errors, ['HANDSHAKE_TIMEOUT']);
    } finally {
      await closeListener(listener);
    }
  });

  test(`${address}: a mute server → HANDSHAKE_TIMEOUT`, async () => {
    const mute = await muteServer(address);
    try {
      const conn = connect(address, mute.port, { handshakeTimeout: 300, sessionCache: freshCache() });
      await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'HANDSHAKE_TIMEOUT' && /did not finish within 300 ms/.test(e.message));
      assert.equal(conn.state, 'failed');
    } finally {
      await mute.close();
    }
  });
}

test('a throwing hook (sync and async) → failed VERIFY_HOOK_ERROR, the process lives', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  await listener.ready;
  try {
    for (const verify of [() => { throw new Error('boom'); }, async () => { await sleep(5); throw new Error('boom'); }]) {
      const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], verify, sessionCache: freshCache() });
      await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'VERIFY_HOOK_ERROR' && (e.cause as Error).message === 'boom');
    }
    const odd = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], verify: (() => 'yes') as never, sessionCache: freshCache() });
    await assert.rejects(odd.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'VERIFY_HOOK_ERROR' && /expected true, false/.test(e.message));
  } finally {
    await closeListener(listener);
  }
});

test('a hook that never answers → VERIFY_TIMEOUT (client and listener)', async () => {
  const { ca, server, client } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1', requestClientCertificate: true, verify: () => new Promise<boolean>(() => {}), verifyTimeout: 200 });
  const errors: string[] = [];
  listener.on('handshakeError', (e: ConnectionError) => errors.push(e.code));
  await listener.ready;
  try {
    const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], verify: () => new Promise<boolean>(() => {}), verifyTimeout: 200, sessionCache: freshCache() });
    await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'VERIFY_TIMEOUT');
    const raw = tlsConnect({ host: '127.0.0.1', port: listener.port, ca: ca.certificate.toPEM(), ...client.tlsOptions() });
    raw.on('error', () => {});
    await new Promise((r) => raw.on('close', r));
    await waitFor(() => errors.includes('VERIFY_TIMEOUT'));
  } finally {
    await closeListener(listener);
  }
});

test('TLS 1.2 client-initiated renegotiation is refused by the listener', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  listener.on('connection', () => {});
  await listener.ready;
  try {
    const raw = tlsConnect({ host: '127.0.0.1', port: listener.port, ca: ca.certificate.toPEM(), maxVersion: 'TLSv1.2' });
    const errors: string[] = [];
    raw.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? 'error'));
    await new Promise((r) => raw.once('secureConnect', r));
    const renegotiated = await new Promise<boolean>((resolve) => {
      raw.renegotiate({ rejectUnauthorized: false }, (err) => resolve(!err));
      raw.on('close', () => resolve(false));
    });
    raw.destroy();
    assert.equal(renegotiated, false);
    assert.ok(errors.includes('ERR_SSL_NO_RENEGOTIATION') || errors.length > 0, `client saw ${errors.join(',')}`);
  } finally {
    await closeListener(listener);
  }
});
