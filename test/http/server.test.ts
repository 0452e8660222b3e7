/**
 * createServer(): requests reach the handler only after the client's certificate passed; refused
 * clients never reach it and no body byte is read; listener defaults; setIdentity; expiry warning.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { LocalTlsError } from '../../src/errors.js';
import type { TlsVerifyContext } from '../../src/tls/index.js';
import { peerInfo } from '../../src/http/index.js';
import { fixtures, sleep, startServer } from './fixtures.js';
import type { Identity } from '../../src/identity/identity.js';

const BODY = 'table=4&order=soup&card=4111111111111111';
const RAW_POST = `POST /orders HTTP/1.1\r\nHost: listener-name.local\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${BODY.length}\r\nConnection: close\r\n\r\n${BODY}`;

/** A raw TLS client that writes a whole POST the moment its handshake is done, and collects the answer. */
function rawPost(port: number, identity: Identity | undefined, root: string, maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, servername: 'listener-name.local', ca: root, maxVersion, ...(identity ? identity.tlsOptions() : {}) });
    let answer = '';
    const timer = setTimeout(() => socket.destroy(), 5000);
    socket.on('secureConnect', () => socket.write(RAW_POST));
    socket.on('data', (d: Buffer) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ answer, closed: true }); });
  });
}

for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
  test(`${version}: a request sent right after the handshake waits for a slow async hook, then arrives whole`, async () => {
    const f = await fixtures();
    let hookDone = false;
    const s = await startServer({
      identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate],
      verify: async (ctx: TlsVerifyContext) => { await sleep(100); hookDone = true; return (await ctx.evaluate()).trusted; },
    }, (req, res) => {
      assert.equal(hookDone, true, 'the handler runs only after the hook answered');
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => res.end(`got ${body} from ${peerInfo(req)?.peerCertificates[0]?.subject}`));
    });
    try {
      const { answer } = await rawPost(s.port, f.client, f.ca.certificate.toPEM(), version);
      assert.match(answer, /^HTTP\/1\.1 200 OK/);
      assert.ok(answer.endsWith(`got ${BODY} from ${f.client.certificate.subject}`), answer);
    } finally {
      await s.close();
    }
  });

  test(`${version}: a refusing hook (sync and async) means the handler never ran and no body byte was read`, async () => {
    const f = await fixtures();
    for (const verify of [() => false, async () => { await sleep(50); return false; }]) {
      const s = await startServer({ identity: f.server, requestClientCertificate: true, trustRoots: [f.ca.certificate], verify });
      const errors: LocalTlsError[] = [];
      s.server.on('handshakeError', (e: LocalTlsError) => errors.push(e));
      let requestEvents = 0;
      s.server.on('request', () => requestEvents++);
      try {
        const { answer } = await rawPost(s.port, f.client, f.ca.certificate.toPEM(), version);
        assert.equal(answer, '', 'no HTTP answer: the connection was dropped unread');
        assert.deepEqual(s.seen, { requests: 0, bodyBytes: 0 });
        assert.equal(requestEvents, 0);
        assert.equal(errors.length, 1);
        assert.equal(errors[0]!.code, 'CERTIFICATE_VERIFY_FAILED');
        assert.equal(s.server.handshakeErrorCount, 1);
      } finally {
        await s.close();
      }
    }
  });
}

test('no client certificate, a stranger CA, or a hook timeout: refused before the handler with the listener codes', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  const slow = await startServer({ identity: f.server, requestClientCertificate: true, verify: () => new Promise<boolean>(() => {}), verifyTimeout: 30 });
  const codes: string[] = [];
  for (const server of [s.server, slow.server]) server.on('handshakeError', (e: LocalTlsError) => codes.push(`${e.code}${e.details?.trustCode ? `/${e.details.trustCode}` : ''}`));
  try {
    await rawPost(s.port, undefined, f.ca.certificate.toPEM(), 'TLSv1.3');
    await rawPost(s.port, f.strangerClient, f.ca.certificate.toPEM(), 'TLSv1.3');
    await rawPost(slow.port, f.client, f.ca.certificate.toPEM(), 'TLSv1.3');
    assert.deepEqual(codes, ['CERTIFICATE_VERIFY_FAILED', 'CERTIFICATE_VERIFY_FAILED/NOT_TRUSTED', 'VERIFY_TIMEOUT']);
    assert.deepEqual(s.seen, { requests: 0, bodyBytes: 0 });
    assert.deepEqual(slow.seen, { requests: 0, bodyBytes: 0 });
  } finally {
    await s.close();
    await slow.close();
  }
});

test('listener defaults: TLS 1.1 refused, ALPN http/1.1, AEAD cipher; a TLS client error is a handshakeError, never an error event', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const errors: LocalTlsError[] = [];
  s.server.on('handshakeError', (e: LocalTlsError) => errors.push(e));
  try {
    const info = await new Promise<{ alpn: string | false | null; cipher: string }>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: s.port, servername: 'listener-name.local', ca: f.ca.certificate.toPEM(), ALPNProtocols: ['h2', 'http/1.1'] }, () => {
        resolve({ alpn: socket.alpnProtocol, cipher: socket.getCipher().standardName });
        socket.destroy();
      });
      socket.on('error', reject);
    });
    assert.equal(info.alpn, 'http/1.1');
    assert.match(info.cipher, /GCM|CHACHA20/);
    const old = await new Promise<Error>((resolve) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: s.port, ca: f.ca.certificate.toPEM(), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' });
      socket.on('error', resolve);
    });
    assert.ok(old);
    for (let i = 0; i < 50 && !errors.some((e) => e.code === 'TLS_VERSION_REFUSED'); i++) await sleep(10);
    assert.ok(errors.some((e) => e.code === 'TLS_VERSION_REFUSED'), errors.map((e) => e.code).join(','));
  } finally {
    await s.close();
  }
});

test('setIdentity swaps the certificate for new connections; expiring identities warn on listening and on swap', async () => {
  const f = await fixtures();
  const short = await f.ca.issue({ hosts: ['listener-name.local', '127.0.0.1'], validityDays: 5 });
  const warnings: string[] = [];
  const { createServer } = await import('../../src/http/index.js');
  const server = createServer({ identity: short });
  server.on('warning', (w: string) => warnings.push(w));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const leafOf = () => new Promise<string>((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'listener-name.local', ca: f.ca.certificate.toPEM() }, () => {
      resolve(socket.getPeerX509Certificate()!.fingerprint256);
      socket.destroy();
    });
    socket.on('error', reject);
  });
  try {
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /expires on/);
    assert.equal(await leafOf(), short.certificate.fingerprintSha256);
    server.setIdentity(f.server);
    assert.equal(server.identity, f.server);
    assert.equal(await leafOf(), f.server.certificate.fingerprintSha256);
    server.setIdentity(short);
    assert.equal(warnings.length, 2);
    assert.throws(() => server.setIdentity('nope' as never), /setIdentity/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('req.socket.localtls: verified chain and verdict, the same on a resumed session (verification ran again)', async () => {
  const f = await fixtures();
  const { createFetch } = await import('../../src/http/index.js');
  const { freshCache, lookup } = await import('./fixtures.js');
  const seen: { resumed: boolean; chain: string[]; trusted: boolean | undefined }[] = [];
  const s = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] }, (req, res) => {
    const info = peerInfo(req)!;
    seen.push({ resumed: info.resumed, chain: info.peerCertificates.map((c) => c.fingerprintSha256), trusted: info.trustResult?.trusted });
    res.end('ok');
  });
  const fetch = createFetch({ trustRoots: [f.ca.certificate], identity: f.client, lookup, sessionCache: freshCache() });
  try {
    for (let i = 0; i < 3; i++) await (await fetch(`https://listener-name.local:${s.port}/`, { headers: { connection: 'close' } })).text();
    assert.equal(seen.length, 3);
    assert.equal(seen[0]!.resumed, false);
    assert.ok(seen.some((x) => x.resumed), 'a later connection resumed');
    for (const x of seen) {
      assert.deepEqual(x.chain, seen[0]!.chain);
      assert.equal(x.trusted, true);
    }
    assert.equal(seen[0]!.chain[0], f.client.certificate.fingerprintSha256);
  } finally {
    await fetch.close();
    await s.close();
  }
});
