import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as netServer, connect as netConnect, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as tlsServer, type TLSSocket } from 'node:tls';
import { connect } from '../../src/index.js';
import { ConnectionError } from '../../src/errors.js';
import { fixtures, freshCache, recordStates, sleep, until } from './fixtures.js';

/** Dials `port` with an async hook that finishes after the peer already closed; reports what happened. */
async function dialClosingServer(port: number) {
  const { ca } = await fixtures();
  let hookFinished = false;
  const conn = connect('127.0.0.1', port, {
    trustRoots: [ca.certificate], sessionCache: freshCache(),
    verify: async (ctx) => { await sleep(150); const verdict = await ctx.evaluate(); hookFinished = true; return verdict.trusted; },
  });
  const states = recordStates(conn);
  await conn.ready;
  const { data, isComplete } = await conn.receive({ min: 1 });
  // The peer finished; our side is still open (half-close) until we close it.
  conn.cancel();
  await until(conn, ['cancelled', 'failed']);
  return { states, data, isComplete, hookFinished, error: conn.error };
}

test('a node:tls server that closes cleanly right after the handshake: ready, then the end; the async hook completes', async () => {
  const { server } = await fixtures();
  const sockets = new Set<TLSSocket>();
  const peer = tlsServer({ ...server.tlsOptions(), minVersion: 'TLSv1.2' }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.end();
  });
  peer.on('tlsClientError', () => {});
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  try {
    const outcome = await dialClosingServer((peer.address() as { port: number }).port);
    assert.deepEqual(outcome.states, ['preparing', 'ready', 'cancelled']);
    assert.equal(outcome.data.length, 0);
    assert.equal(outcome.isComplete, true);
    assert.equal(outcome.hookFinished, true);
    assert.equal(outcome.error, undefined);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => peer.close(r));
  }
});

test('a python3 ssl server that sends close_notify right after the handshake: ready, then the end', async () => {
  const { server } = await fixtures();
  const dir = mkdtempSync(join(tmpdir(), 'localtls-clean-close-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  const opts = server.tlsOptions() as { cert: string | Buffer; key: string | Buffer };
  writeFileSync(certFile, opts.cert);
  writeFileSync(keyFile, opts.key, { mode: 0o600 });
  const script = [
    'import socket, ssl, sys',
    'ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)',
    `ctx.load_cert_chain(${JSON.stringify(certFile)}, ${JSON.stringify(keyFile)})`,
    's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)',
    'print(s.getsockname()[1], flush=True)',
    's.settimeout(20)',
    'c, _ = s.accept()',
    't = ctx.wrap_socket(c, server_side=True)',
    't = t.unwrap()',
    't.close()',
  ].join('\n');
  const py = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      py.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
      py.once('exit', (code) => reject(new Error(`python3 exited early (${code})`)));
    });
    const outcome = await dialClosingServer(port);
    assert.deepEqual(outcome.states, ['preparing', 'ready', 'cancelled']);
    assert.equal(outcome.isComplete, true);
    assert.equal(outcome.hookFinished, true);
  } finally {
    py.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a real reset (TCP RST) right after the handshake is still CONNECTION_RESET', async () => {
  const { ca, server } = await fixtures();
  const downs = new Set<Socket>();
  // node:tls server behind a TCP relay; once its handshake is done the relay resets the client's TCP connection.
  const peer = tlsServer({ ...server.tlsOptions(), minVersion: 'TLSv1.2' }, (socket) => {
    socket.on('error', () => {});
    setTimeout(() => { for (const d of downs) d.resetAndDestroy(); }, 50);
  });
  peer.on('tlsClientError', () => {});
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r));
  const ups = new Set<Socket>();
  const relay = netServer((down) => {
    downs.add(down);
    down.on('error', () => {});
    const up = netConnect({ host: '127.0.0.1', port: (peer.address() as { port: number }).port });
    ups.add(up);
    up.on('error', () => {});
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  try {
    const conn = connect('127.0.0.1', (relay.address() as { port: number }).port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
    await conn.ready;
    await assert.rejects(conn.receive({ min: 1 }), (e: unknown) => e instanceof ConnectionError && e.code === 'CONNECTION_RESET');
    assert.equal(conn.state, 'failed');
    assert.equal(conn.error?.code, 'CONNECTION_RESET');
  } finally {
    for (const s of [...ups, ...downs]) s.destroy();
    await new Promise((r) => relay.close(r));
    await new Promise((r) => peer.close(r));
  }
});
