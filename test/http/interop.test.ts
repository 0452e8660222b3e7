/**
 * Real HTTP peers on loopback: curl, Python's urllib, `openssl s_client` speaking HTTP by hand,
 * Express mounted on createServer, and ws WebSockets both ways (our agent against a plain
 * https+ws server, a plain ws client against our server, and ours against ours).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer as createPlainHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { WebSocket, WebSocketServer } from 'ws';
import { agent, createFetch, createServer, peerInfo } from '../../src/http/index.js';
import { LocalTlsError } from '../../src/errors.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { openssl } from '../helpers/openssl.js';
import { fixtures, freshCache, lookup, startServer } from './fixtures.js';

const temp = await makeTempDir();
after(() => temp.cleanup());
const f = await fixtures();
const files = {
  ca: join(temp.dir, 'ca.pem'), clientCert: join(temp.dir, 'client.pem'), clientKey: join(temp.dir, 'client.key'),
};
await writeFile(files.ca, f.ca.certificate.toPEM());
await writeFile(files.clientCert, f.client.toPEM().certificatePem);
await writeFile(files.clientKey, f.client.toPEM().keyPem, { mode: 0o600 });

function run(command: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

const curl = (port: number, extra: string[]) => run('curl', ['-sS', '--max-time', '20', '--cacert', files.ca, '--resolve', `listener-name.local:${port}:127.0.0.1`, ...extra, `https://listener-name.local:${port}/orders`]);

test('curl --cacert: POST round trip; curl --cert/--key against a server requiring client certificates; without: refused, handler never ran', async () => {
  const open = await startServer({ identity: f.server });
  const mtls = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  try {
    const plain = await curl(open.port, ['-d', 'soup']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(JSON.parse(plain.stdout), { method: 'POST', url: '/orders', body: 'soup', peer: 'anonymous' });
    const withCert = await curl(mtls.port, ['--cert', files.clientCert, '--key', files.clientKey, '-d', 'soup']);
    assert.equal(withCert.code, 0, withCert.stderr);
    assert.equal(JSON.parse(withCert.stdout).peer, f.client.certificate.subject);
    const without = await curl(mtls.port, ['-d', 'secret-body']);
    assert.notEqual(without.code, 0);
    assert.equal(mtls.seen.requests, 1, 'only the request with a certificate reached the handler');
    assert.equal(mtls.seen.bodyBytes, 4);
  } finally {
    await open.close();
    await mtls.close();
  }
});

const PYTHON = `
import ssl, sys, urllib.request
url, cafile, cert, key = sys.argv[1:5]
ctx = ssl.create_default_context(cafile=cafile)
if cert != '-': ctx.load_cert_chain(cert, key)
try:
    with urllib.request.urlopen(urllib.request.Request(url, data=b'from python'), context=ctx, timeout=20) as r:
        print(r.status, r.read().decode())
except Exception as e:
    print('ERROR', type(e).__name__, e)
`;

test('python3 urllib with an ssl context (check_hostname on): verified POST with and without mTLS', async () => {
  const mtls = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  try {
    const ok = await run('python3', ['-c', PYTHON, `https://127.0.0.1:${mtls.port}/py`, files.ca, files.clientCert, files.clientKey]);
    assert.match(ok.stdout, /^200 /, ok.stdout + ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout.slice(4)), { method: 'POST', url: '/py', body: 'from python', peer: f.client.certificate.subject });
    const refused = await run('python3', ['-c', PYTHON, `https://127.0.0.1:${mtls.port}/py`, files.ca, '-', '-']);
    assert.match(refused.stdout, /^ERROR/);
    assert.equal(mtls.seen.requests, 1);
  } finally {
    await mtls.close();
  }
});

test('openssl s_client speaking HTTP/1.1 by hand, verifying the server and presenting a client certificate', async () => {
  const mtls = await startServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  try {
    const result = await openssl(['s_client', '-connect', `127.0.0.1:${mtls.port}`, '-servername', 'listener-name.local', '-verify_hostname', 'listener-name.local',
      '-CAfile', files.ca, '-verify_return_error', '-cert', files.clientCert, '-key', files.clientKey, '-quiet', '-ign_eof'],
    'POST /s_client HTTP/1.1\r\nHost: listener-name.local\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi');
    assert.match(result.stdout, /^HTTP\/1\.1 200 OK/);
    assert.ok(result.stdout.includes(JSON.stringify({ method: 'POST', url: '/s_client', body: 'hi', peer: f.client.certificate.subject })), result.stdout + result.stderr);
  } finally {
    await mtls.close();
  }
});

test('Express mounted on createServer: routes, JSON bodies and the verified client via req.socket', async () => {
  const app = express();
  app.use(express.json());
  app.post('/orders', (req, res) => { res.status(201).json({ order: req.body, tablet: peerInfo(req)?.peerCertificates[0]?.subject }); });
  const server = createServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] }, app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fetch = createFetch({ trustRoots: [f.ca.certificate], identity: f.client, lookup, sessionCache: freshCache() });
  try {
    const res = await fetch(`https://listener-name.local:${port}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: 4, items: ['soup'] }) });
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), { order: { table: 4, items: ['soup'] }, tablet: f.client.certificate.subject });
  } finally {
    await fetch.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** Opens a WebSocket, sends `hello`, resolves with the first two messages it gets (or the error). */
function wsRoundTrip(url: string, options: ConstructorParameters<typeof WebSocket>[2]): Promise<{ messages: string[] } | { error: Error }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, options);
    const messages: string[] = [];
    const timer = setTimeout(() => { ws.terminate(); resolve({ error: new Error('timed out') }); }, 10_000);
    ws.on('open', () => ws.send('hello'));
    ws.on('message', (data) => {
      messages.push(String(data));
      if (messages.length === 2) { clearTimeout(timer); ws.close(); resolve({ messages }); }
    });
    ws.on('error', (error) => { clearTimeout(timer); resolve({ error }); });
  });
}

/** A ws server on `server`: greets first (server → client), then echoes (client → server → client). */
function attachFeed(server: import('node:https').Server): { upgrades: number } {
  const counts = { upgrades: 0 };
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    counts.upgrades++;
    ws.send(`welcome ${peerInfo(req)?.peerCertificates[0]?.subject ?? 'anonymous'}`);
    ws.on('message', (data) => ws.send(`echo ${String(data)}`));
  });
  return counts;
}

test('ws: agent() client ↔ createServer + WebSocketServer with client certificates, messages both ways', async () => {
  const server = createServer({ identity: f.server, requireClientCertificate: true, trustRoots: [f.ca.certificate] });
  const feed = attachFeed(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const tablet = agent({ trustRoots: [f.ca.certificate], identity: f.client, lookup, sessionCache: freshCache() });
  const stranger = agent({ trustRoots: [f.ca.certificate], identity: f.strangerClient, lookup, sessionCache: freshCache() });
  try {
    const ok = await wsRoundTrip(`wss://listener-name.local:${port}/feed`, { agent: tablet });
    assert.deepEqual(ok, { messages: [`welcome ${f.client.certificate.subject}`, 'echo hello'] });
    // A plain ws client with node:tls options is served the same way.
    const plain = await wsRoundTrip(`wss://127.0.0.1:${port}/feed`, { ca: f.ca.certificate.toPEM(), ...f.client.tlsOptions() });
    assert.deepEqual(plain, { messages: [`welcome ${f.client.certificate.subject}`, 'echo hello'] });
    const refused = await wsRoundTrip(`wss://listener-name.local:${port}/feed`, { agent: stranger });
    assert.ok('error' in refused);
    assert.equal(feed.upgrades, 2, 'the stranger never reached the upgrade');
  } finally {
    tablet.destroy();
    stranger.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('ws: agent() against a plain node:https + ws server; a refused server gets no upgrade request at all', async () => {
  const server = createPlainHttpsServer(f.server.tlsOptions());
  const feed = attachFeed(server);
  const bytesPerConnection: number[] = [];
  server.on('secureConnection', (socket) => {
    const index = bytesPerConnection.push(0) - 1;
    socket.on('data', (d: Buffer) => { bytesPerConnection[index]! += d.length; });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const good = agent({ trustRoots: [f.ca.certificate], lookup, sessionCache: freshCache() });
  // Refuses once the server has seen the handshake complete (bounded wait), so the server-side count below is exact.
  const refusing = agent({ lookup, sessionCache: freshCache(), verify: async () => {
    for (let i = 0; i < 500 && bytesPerConnection.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    return false;
  } });
  try {
    assert.deepEqual(await wsRoundTrip(`wss://listener-name.local:${port}/`, { agent: good }), { messages: ['welcome anonymous', 'echo hello'] });
    const refused = await wsRoundTrip(`wss://listener-name.local:${port}/`, { agent: refusing });
    assert.ok('error' in refused && refused.error instanceof LocalTlsError, String((refused as { error?: unknown }).error));
    assert.equal((refused as { error: LocalTlsError }).error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(bytesPerConnection.length, 2, 'the refused agent did complete a TLS handshake');
    assert.equal(bytesPerConnection[1], 0, 'no byte of the upgrade request was sent');
    assert.equal(feed.upgrades, 1);
  } finally {
    good.destroy();
    refusing.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
