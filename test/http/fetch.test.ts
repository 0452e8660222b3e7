/**
 * createFetch() and agent() against createServer(): verification before any request byte (also on
 * resumed sessions), mTLS, keep-alive reuse, failures as LocalTlsErrors with connect()'s codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { createFetch, agent, peerInfo } from '../../src/http/index.js';
import { LocalTlsError } from '../../src/errors.js';
import type { TlsVerifyContext } from '../../src/tls/index.js';
import { fixtures, freshCache, lookup, startServer } from './fixtures.js';

/** The LocalTlsError behind a fetch failure (fetch rejects with TypeError('fetch failed', { cause })). */
async function causeOf(promise: Promise<unknown>): Promise<LocalTlsError> {
  const error = await promise.then(() => assert.fail('expected a rejection'), (e: unknown) => e);
  const cause = error instanceof LocalTlsError ? error : (error as { cause?: unknown }).cause;
  assert.ok(cause instanceof LocalTlsError, `expected a LocalTlsError as the error or its cause; got ${String(error)} / ${String((error as { cause?: unknown }).cause)}`);
  return cause;
}

test('fetch: default verification by name, POST body round trip, keep-alive reuse', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const fetch = createFetch({ trustRoots: [f.ca.certificate], lookup, sessionCache: freshCache(), trustStore: false, connections: 1 });
  try {
    let connections = 0;
    s.server.on('secureConnection', () => connections++);
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`https://listener-name.local:${s.port}/orders?n=${i}`, { method: 'POST', body: `soup ${i}` });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { method: 'POST', url: `/orders?n=${i}`, body: `soup ${i}`, peer: 'anonymous' });
    }
    assert.equal(connections, 1, 'the three requests shared one kept-alive connection');
  } finally {
    await fetch.close();
    await s.close();
  }
});

test('fetch: a name the certificate does not list, or an untrusted root, is CERTIFICATE_VERIFY_FAILED and the server sees no request', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const wrongName = createFetch({ trustRoots: [f.ca.certificate], lookup: () => ['127.0.0.1'], trustStore: false, sessionCache: freshCache() });
  const otherRoot = createFetch({ trustRoots: [f.otherCa.certificate], lookup, trustStore: false, systemRoots: false, sessionCache: freshCache() });
  try {
    const mismatch = await causeOf(wrongName(`https://front-desk.local:${s.port}/`, { method: 'POST', body: 'secret' }));
    assert.equal(mismatch.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(mismatch.details?.trustCode, 'HOSTNAME_MISMATCH');
    assert.match(mismatch.hint ?? '', /dial a name the certificate lists/);
    const untrusted = await causeOf(otherRoot(`https://listener-name.local:${s.port}/`, { method: 'POST', body: 'secret' }));
    assert.equal(untrusted.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(untrusted.details?.trustCode, 'NOT_TRUSTED');
    assert.deepEqual(s.seen, { requests: 0, bodyBytes: 0 });
  } finally {
    await wrongName.close();
    await otherRoot.close();
    await s.close();
  }
});

test('fetch: a refusing hook sends no request byte (the server reads nothing from the connection)', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const received: Buffer[] = [];
  s.server.prependListener('secureConnection', (socket) => socket.on('data', (d: Buffer) => received.push(d)));
  const contexts: TlsVerifyContext[] = [];
  const fetch = createFetch({ lookup, sessionCache: freshCache(), verify: async (ctx) => { contexts.push(ctx); await new Promise((r) => setTimeout(r, 20)); return false; } });
  try {
    const error = await causeOf(fetch(`https://listener-name.local:${s.port}/`, { method: 'POST', body: 'x'.repeat(1000) }));
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(contexts.length, 1);
    assert.equal(contexts[0]!.host, 'listener-name.local');
    assert.equal(contexts[0]!.side, 'client');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(Buffer.concat(received).length, 0, 'no request byte reached the server');
    assert.deepEqual(s.seen, { requests: 0, bodyBytes: 0 });
  } finally {
    await fetch.close();
    await s.close();
  }
});

test('fetch: the hook runs again on a resumed session, before the request; a later refusal still sends nothing', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const cache = freshCache();
  let accept = true;
  const resumed: boolean[] = [];
  const verify = async (ctx: TlsVerifyContext) => { resumed.push(ctx.resumed); assert.equal(ctx.peerCertificates.length > 0, true); return accept && (await ctx.evaluate()).trusted; };
  const fetch = createFetch({ trustRoots: [f.ca.certificate], lookup, sessionCache: cache, verify, keepAliveTimeout: 1 });
  try {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`https://listener-name.local:${s.port}/`, { headers: { connection: 'close' } });
      assert.equal(res.status, 200);
      await res.text();
    }
    assert.equal(resumed.length, 3, 'one verification per connection');
    assert.equal(resumed[0], false);
    assert.ok(resumed.slice(1).includes(true), `later connections resumed: ${resumed.join(',')}`);
    accept = false;
    const error = await causeOf(fetch(`https://listener-name.local:${s.port}/`, { method: 'POST', body: 'after' }));
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(s.seen.requests, 3);
  } finally {
    await fetch.close();
    await s.close();
  }
});

test('fetch: VERIFY_TIMEOUT, VERIFY_HOOK_ERROR, HOST_NOT_FOUND, CONNECTION_REFUSED and http: URLs are LocalTlsErrors', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const slow = createFetch({ lookup, verify: () => new Promise<boolean>(() => {}), verifyTimeout: 50, sessionCache: freshCache() });
  const throwing = createFetch({ lookup, verify: () => { throw new Error('boom'); }, sessionCache: freshCache() });
  const plain = createFetch({ lookup: () => [], sessionCache: freshCache() });
  try {
    assert.equal((await causeOf(slow(`https://listener-name.local:${s.port}/`))).code, 'VERIFY_TIMEOUT');
    assert.equal((await causeOf(throwing(`https://listener-name.local:${s.port}/`))).code, 'VERIFY_HOOK_ERROR');
    const notFound = await causeOf(plain('https://nowhere.local:4433/'));
    assert.equal(notFound.code, 'HOST_NOT_FOUND');
    await s.close();
    assert.equal((await causeOf(plain(`https://127.0.0.1:${s.port}/`))).code, 'CONNECTION_REFUSED');
    const http = await causeOf(plain(`http://127.0.0.1:${s.port}/`));
    assert.equal(http.code, 'INVALID_OPTION');
    assert.match(http.message, /only speaks https/);
    assert.equal(s.seen.requests, 0);
  } finally {
    await slow.close();
    await throwing.close();
    await plain.close();
    await s.close().catch(() => {});
  }
});

test('fetch with a client identity: the server sees the verified tablet; without one it is refused before the handler', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  const refused: LocalTlsError[] = [];
  s.server.on('handshakeError', (e: LocalTlsError) => refused.push(e));
  const tablet = createFetch({ trustRoots: [f.ca.certificate], identity: f.client, lookup, sessionCache: freshCache() });
  const anonymous = createFetch({ trustRoots: [f.ca.certificate], lookup, sessionCache: freshCache() });
  try {
    const res = await tablet(`https://listener-name.local:${s.port}/who`);
    assert.deepEqual(await res.json(), { method: 'GET', url: '/who', body: '', peer: f.client.certificate.subject });
    const error = await causeOf(anonymous(`https://listener-name.local:${s.port}/who`, { method: 'POST', body: 'nope' }));
    assert.ok(['CONNECTION_RESET', 'PEER_REJECTED_CERTIFICATE'].includes(error.code), `${error.code}: ${error.message}`);
    assert.match(error.hint ?? '', /client certificate/);
    const stranger = createFetch({ trustRoots: [f.ca.certificate], identity: f.strangerClient, lookup, sessionCache: freshCache() });
    const rejected = await causeOf(stranger(`https://listener-name.local:${s.port}/who`)).finally(() => stranger.close());
    assert.equal(rejected.code, 'PEER_REJECTED_CERTIFICATE', `${rejected.code}: ${rejected.message}`);
    assert.equal(s.seen.requests, 1);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((e) => e.code === 'CERTIFICATE_VERIFY_FAILED'));
  } finally {
    await tablet.close();
    await anonymous.close();
    await s.close();
  }
});

test('agent(): node:https requests verified the same way; the request error is the LocalTlsError; req.socket.localtls', async () => {
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const good = agent({ trustRoots: [f.ca.certificate], lookup, sessionCache: freshCache() });
  const bad = agent({ trustRoots: [f.otherCa.certificate], systemRoots: false, trustStore: false, lookup, sessionCache: freshCache() });
  const get = (a: typeof good) => new Promise<{ status: number; body: string; verified: boolean }>((resolve, reject) => {
    const req = request(`https://listener-name.local:${s.port}/a`, { agent: a, method: 'POST' }, (res) => {
      const verified = peerInfo(res) !== undefined;
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, verified }));
    });
    req.on('error', reject);
    req.end('hello');
  });
  try {
    const ok = await get(good);
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).body, 'hello');
    assert.equal(ok.verified, true, 'res.socket is a verified socket');
    const error = await get(bad).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof LocalTlsError);
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(s.seen.requests, 1);
  } finally {
    good.destroy();
    bad.destroy();
    await s.close();
  }
});

test('createFetch / agent / createServer: bad options are ConfigErrors naming the option', async () => {
  const f = await fixtures();
  const { createServer } = await import('../../src/http/index.js');
  assert.throws(() => createFetch({ trustRoot: [] } as never), (e: LocalTlsError) => e.code === 'INVALID_OPTION' && /trustRoot/.test(e.message));
  assert.throws(() => createFetch({ verifyTimeout: -1 }), (e: LocalTlsError) => e.code === 'INVALID_OPTION' && /verifyTimeout/.test(e.message));
  assert.throws(() => agent({ keepAlive: 'yes' as never }), (e: LocalTlsError) => e.code === 'INVALID_OPTION' && /keepAlive/.test(e.message));
  assert.throws(() => createServer({ identity: f.server, rejectUnauthorized: false } as never), (e: LocalTlsError) => e.code === 'INVALID_OPTION' && /rejectUnauthorized/.test(e.message));
  assert.throws(() => createServer({ identity: 'x' } as never), (e: LocalTlsError) => e.code === 'INVALID_OPTION' && /identity/.test(e.message));
});

test('fetch: a peer that accepts TCP but never speaks TLS is HANDSHAKE_TIMEOUT; one that hangs up is PROTOCOL_ERROR', async () => {
  const { createServer: netServer } = await import('node:net');
  const held: import('node:net').Socket[] = [];
  const silent = netServer((socket) => { held.push(socket); socket.on('error', () => {}); });
  const hangUp = netServer((socket) => socket.destroy());
  for (const server of [silent, hangUp]) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server: typeof silent) => (server.address() as { port: number }).port;
  const fetch = createFetch({ handshakeTimeout: 100, sessionCache: freshCache() });
  try {
    assert.equal((await causeOf(fetch(`https://127.0.0.1:${port(silent)}/`))).code, 'HANDSHAKE_TIMEOUT');
    const closed = await causeOf(fetch(`https://127.0.0.1:${port(hangUp)}/`));
    assert.ok(['PROTOCOL_ERROR', 'CONNECTION_RESET'].includes(closed.code), `${closed.code}: ${closed.message}`);
  } finally {
    await fetch.close();
    for (const socket of held) socket.destroy();
    for (const server of [silent, hangUp]) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('fetch trusts the roots installed in the trust store by default (read at verification time); trustStore: false leaves them out', async (t) => {
  const { useTempLocaltlsHome } = await import('../helpers/localtls-home.js');
  const { TrustStore } = await import('../../src/store/trust-store.js');
  await useTempLocaltlsHome(t);
  const f = await fixtures();
  const s = await startServer({ identity: f.server });
  const fetch = createFetch({ lookup, resumption: false });
  const narrow = createFetch({ lookup, resumption: false, trustStore: false });
  try {
    const before = await causeOf(fetch(`https://listener-name.local:${s.port}/`));
    assert.equal(before.details?.trustCode, 'NOT_TRUSTED');
    assert.match(before.hint ?? '', /trust store|trustRoots/);
    await (await TrustStore.open()).add(f.ca.certificate);
    assert.equal((await fetch(`https://listener-name.local:${s.port}/`)).status, 200);
    assert.equal((await causeOf(narrow(`https://listener-name.local:${s.port}/`))).details?.trustCode, 'NOT_TRUSTED');
  } finally {
    await fetch.close();
    await narrow.close();
    await s.close();
  }
});
