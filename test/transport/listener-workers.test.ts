import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { connect, createListener, LocalTlsError, type Identity } from '../../src/index.js';
import type { WorkerExitInfo, WorkerListener } from '../../src/transport/worker-listener.js';
import { fixtures, freshCache } from './fixtures.js';
import type { SessionCache } from '../../src/tls/session-cache.js';

const ECHO = new URL('./fixtures/echo-worker.js', import.meta.url);
const VERIFY = new URL('./fixtures/verify-worker.js', import.meta.url);
const NO_HANDLER = new URL('./fixtures/no-handler-worker.js', import.meta.url);
const HOST = '127.0.0.1';

interface Greeting { pid: number; index: number; workerData: unknown; resumed: boolean; client: string | null }

/** One connection: the worker's greeting plus the client's own view of resumption. */
async function visit(port: number, cache: SessionCache, extra: { identity?: Identity; send?: unknown } = {}): Promise<Greeting & { clientResumed: boolean }> {
  const { ca } = await fixtures();
  const conn = connect(HOST, port, { trustRoots: [ca.certificate], sessionCache: cache, ...(extra.identity ? { identity: extra.identity } : {}) });
  try {
    await conn.ready;
    const messages = conn.messages();
    const first = await messages.next();
    assert.equal(first.done, false);
    const greeting = (first.value as { value: Greeting }).value;
    if (extra.send !== undefined) await conn.sendMessage(extra.send);
    return { ...greeting, clientResumed: conn.tls?.resumed === true };
  } finally {
    conn.cancel();
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function closed(listener: WorkerListener): Promise<void> {
  const pids = listener.workerPids;
  await listener.close({ force: true, timeout: 5000 });
  assert.deepEqual(pids.filter(alive), [], 'no worker process survives close()');
}

test('two workers serve one port; a ticket from one worker resumes on the other; close() leaves no child', async () => {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 2, worker: ECHO, workerData: { shop: 'front desk' } });
  const events: string[] = [];
  listener.on('listening', () => events.push('listening'));
  try {
    await listener.ready;
    assert.equal(listener.state, 'ready');
    assert.equal(listener.workers, 2);
    assert.equal(listener.workerPids.length, 2);
    assert.ok(listener.port > 0);
    assert.deepEqual(events, ['listening']);
    const cache = freshCache();
    const seen: Greeting[] = [];
    let crossWorkerResume = false;
    for (let i = 0; i < 40 && !(crossWorkerResume && new Set(seen.map((g) => g.pid)).size === 2); i++) {
      const g = await visit(listener.port, cache);
      assert.deepEqual(g.workerData, { shop: 'front desk' });
      assert.ok(listener.workerPids.includes(g.pid), 'served by one of the listener\'s workers');
      if (i > 0) {
        assert.equal(g.clientResumed, true, `connection ${i} resumed (tickets are valid on every worker)`);
        assert.equal(g.resumed, true);
        if (g.pid !== seen[i - 1]!.pid) crossWorkerResume = true;
      } else assert.equal(g.clientResumed, false);
      seen.push(g);
    }
    assert.equal(new Set(seen.map((g) => g.pid)).size, 2, `both workers served connections within 40 (pids ${seen.map((g) => g.pid).join(',')})`);
    assert.ok(crossWorkerResume, 'a ticket issued by one worker resumed on the other');
  } finally {
    await closed(listener);
  }
  assert.equal(listener.state, 'cancelled');
});

test('mutual TLS: client certificates are verified in the workers; a stranger is refused and reported', async () => {
  const { server, client, strangerClient, ca } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 2, worker: ECHO, requireClientCertificate: true, trustRoots: [ca.certificate] });
  try {
    await listener.ready;
    const g = await visit(listener.port, freshCache(), { identity: client });
    assert.equal(g.client, client.certificate.fingerprintSha256);
    const refused = once(listener, 'handshakeError');
    const conn = connect(HOST, listener.port, { trustRoots: [ca.certificate], identity: strangerClient, sessionCache: freshCache() });
    await assert.rejects((async () => { await conn.ready; await conn.receive({ min: 1 }); })(), (e: unknown) => e instanceof LocalTlsError);
    conn.cancel();
    const [error] = await refused as [LocalTlsError];
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(listener.handshakeErrorCount, 1);
    const noCert = connect(HOST, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    await assert.rejects((async () => { await noCert.ready; await noCert.receive({ min: 1 }); })());
    noCert.cancel();
  } finally {
    await closed(listener);
  }
});

test('a verify hook exported by the worker module decides in the worker', async () => {
  const { server, strangerClient, ca } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 2, worker: VERIFY, requestClientCertificate: true, trustRoots: [ca.certificate] });
  try {
    await listener.ready;
    const g = await visit(listener.port, freshCache(), { identity: strangerClient });
    assert.equal(g.client, strangerClient.certificate.fingerprintSha256, 'the hook accepted a client the trust roots alone would refuse');
    const refused = once(listener, 'handshakeError');
    const noCert = connect(HOST, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    await assert.rejects((async () => { await noCert.ready; await noCert.receive({ min: 1 }); })());
    noCert.cancel();
    const [error] = await refused as [LocalTlsError];
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
  } finally {
    await closed(listener);
  }
});

test('a crashed worker is restarted (workerExit, then a new process serves); past the limit the listener fails with WORKER_FAILED', async () => {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 1, worker: ECHO, restart: { limit: 1, backoff: 10 } });
  try {
    await listener.ready;
    const first = await visit(listener.port, freshCache());
    const exited = once(listener, 'workerExit');
    const relistening = once(listener, 'workerListening');
    await visit(listener.port, freshCache(), { send: 'crash' });
    const [info] = await exited as [WorkerExitInfo];
    assert.deepEqual({ index: info.index, pid: info.pid, code: info.code, restarting: info.restarting }, { index: 0, pid: first.pid, code: 3, restarting: true });
    const [, pid] = await relistening as [number, number];
    assert.notEqual(pid, first.pid);
    const again = await visit(listener.port, freshCache());
    assert.equal(again.pid, pid);
    assert.equal(listener.state, 'ready');
    // second crash within the window: limit 1 reached
    const failed = once(listener, 'error');
    await visit(listener.port, freshCache(), { send: 'crash' });
    const [error] = await failed as [LocalTlsError];
    assert.equal(error.code, 'WORKER_FAILED');
    assert.equal(listener.state, 'failed');
    assert.equal(listener.error?.code, 'WORKER_FAILED');
  } finally {
    await closed(listener);
  }
});

test('a worker module without a handler fails the listener with WORKER_FAILED (no restart loop)', async () => {
  const { server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 2, worker: NO_HANDLER });
  try {
    await assert.rejects(listener.ready, (e: unknown) => e instanceof LocalTlsError && e.code === 'WORKER_FAILED' && /no connection handler/.test(e.message));
    assert.equal(listener.state, 'failed');
  } finally {
    await closed(listener);
  }
});

test('bad worker options are INVALID_OPTION, thrown before any process starts', async () => {
  const { server } = await fixtures();
  const base = { identity: server, port: 0, host: HOST, worker: ECHO };
  const bad: Record<string, unknown>[] = [
    { workers: 0 }, { workers: 65 }, { workers: 1.5 }, { workers: '2' },
    { workers: 2, worker: undefined }, { workers: 2, worker: '/nonexistent/worker.js' }, { workers: 2, worker: 'https://example.com/w.js' }, { workers: 2, worker: 42 },
    { workers: 2, workerData: () => 1 }, { workers: 2, workerData: { when: new Date() } }, { workers: 2, workerData: { n: Number.NaN } }, { workers: 2, workerData: 10n },
    { workers: 2, restart: { limit: -1 } }, { workers: 2, restart: { tries: 3 } }, { workers: 2, restart: 'always' },
    { workers: 2, verify: () => true }, { workers: 2, advertise: true },
  ];
  for (const extra of bad) {
    assert.throws(() => createListener({ ...base, ...extra } as never), (e: unknown) => e instanceof LocalTlsError && e.code === 'INVALID_OPTION', JSON.stringify(extra, (_, v) => (typeof v === 'bigint' ? String(v) : typeof v === 'function' ? 'fn' : v)));
  }
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => createListener({ ...base, workers: 2, workerData: cyclic }), (e: unknown) => e instanceof LocalTlsError && e.code === 'INVALID_OPTION');
});

test('setIdentity reaches every worker; close() before ready rejects ready with CANCELLED', async () => {
  const { server, ca } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: HOST, workers: 2, worker: ECHO });
  try {
    await listener.ready;
    const renewed = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
    await listener.setIdentity(renewed);
    assert.equal(listener.identity, renewed);
    const fingerprints = new Set<string>();
    const pids = new Set<number>();
    for (let i = 0; i < 40 && pids.size < 2; i++) {
      const conn = connect(HOST, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
      try {
        await conn.ready;
        fingerprints.add(conn.tls!.peerCertificates[0]!.fingerprintSha256);
        const first = await conn.messages().next();
        pids.add((first.value as { value: Greeting }).value.pid);
      } finally { conn.cancel(); }
    }
    assert.equal(pids.size, 2);
    assert.deepEqual([...fingerprints], [renewed.certificate.fingerprintSha256]);
  } finally {
    await closed(listener);
  }
  const early = createListener({ identity: server, port: 0, host: HOST, workers: 1, worker: ECHO });
  await early.close();
  await assert.rejects(early.ready, (e: unknown) => e instanceof LocalTlsError && e.code === 'CANCELLED');
});

test('a port already in use fails the listener with ADDRESS_IN_USE before any worker starts; the default host accepts IPv4', async () => {
  const { server, ca } = await fixtures();
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, HOST, resolve));
  try {
    const port = (holder.address() as { port: number }).port;
    const listener = createListener({ identity: server, port, host: HOST, workers: 2, worker: ECHO });
    await assert.rejects(listener.ready, (e: unknown) => e instanceof LocalTlsError && e.code === 'ADDRESS_IN_USE');
    assert.deepEqual(listener.workerPids, []);
    await listener.close();
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
  const anyHost = createListener({ identity: server, port: 0, workers: 1, worker: ECHO });
  try {
    await anyHost.ready;
    const conn = connect(HOST, anyHost.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    try { await conn.ready; } finally { conn.cancel(); }
  } finally {
    await closed(anyHost);
  }
});
