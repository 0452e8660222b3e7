/**
 * The client-side resumption ladder (a diagnostic, not a bench row): where a localtls client's
 * extra CPU per resumed handshake goes. A raw node:tls server (the process bench's child, pinned to
 * core 0) ends every connection; this process (pin it yourself: `taskset -c 1`) runs variants that
 * add one localtls piece at a time to a bare node:tls loop, **one connection of each variant in
 * turn**, so the noise of a shared machine falls on all of them alike. Prints client CPU µs per
 * resumed handshake (p50 and mean) per variant.
 *
 * Run: `npm run build && taskset -c 1 node dist/bench/process/ladder.js` (env N = connections per
 * variant, default 1200; WARMUP = warm-up connections per variant, default 1500; LADDER_VARIANTS = a comma list to run only those). Note: a variant's
 * figure depends on its neighbours in the turn order (a light variant after a heavy one pays some of
 * its garbage collection), so compare variants run in the same list.
 *
 * Variants: rawCa (native `ca` verification, the bench's baseline) · rawCaOff / rawNoCaOff (node's
 * context with verification off, with and without `ca`) · bare (localtls's context, node
 * verification off) · connection (+ the Connection state machine, receive and cancel) · options
 * (+ resolveConnectOptions) · verify (+ verifyPeer on the resumed chain) · connect (localtls connect()).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { connect as tlsConnect, createSecureContext, type TLSSocket } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../../src/ca/index.js';
import type { Certificate } from '../../src/cert/certificate.js';
import { connect, SessionCache } from '../../src/index.js';
import { clientSecureContext, clientVerificationOptions, peerChain, resolveAnchors, verifyPeer } from '../../src/tls/index.js';
import { Connection, kAttach, kEstablish } from '../../src/transport/connection.js';
import { resolveConnectOptions } from '../../src/transport/connect-options.js';
import { SocketTlsInfo } from '../../src/transport/tls-info.js';

const HOST = '127.0.0.1';
const N = Number(process.env.N ?? 1200);
/** Connections of each variant before measuring (env WARMUP): V8 keeps optimizing for ~2,000 (see child.ts). */
const WARMUP = Number(process.env.WARMUP ?? 1500);
const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

const ca = await CertificateAuthority.create({ commonName: 'Ladder CA' });
const leaf = await ca.issue({ hosts: [HOST] });
const tls = leaf.tlsOptions() as { cert: string | Buffer; key: string | Buffer };
const env = { ...process.env, LT_BENCH_CHAIN: String(tls.cert), LT_BENCH_KEY: String(tls.key), LT_BENCH_CA: ca.certificate.toPEM(), LT_BENCH_QUICK: '0' };
const server = spawn('taskset', ['-c', '0', process.execPath, CHILD, 'server', 'raw', 'resumed', '0', '0'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: server.stdout! })[Symbol.asyncIterator]();
const { port } = JSON.parse((await lines.next()).value as string) as { port: number };

const caContext = createSecureContext({ ca: ca.certificate.toPEM(), minVersion: 'TLSv1.3' });
const context = clientSecureContext('TLSv1.2');
const context13 = clientSecureContext('TLSv1.3');
const caContext12 = createSecureContext({ ca: ca.certificate.toPEM(), minVersion: 'TLSv1.2' });
const noCaContext = createSecureContext({ minVersion: 'TLSv1.3' });
const roots = [ca.certificate];
const anchors = resolveAnchors({ trustRoots: roots }, true);
const cache = new SessionCache();
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };

/** A bare node:tls loop: resumes with the last session, waits for the server's close. */
function bare(secureContext: typeof context, verification: object): () => Promise<void> {
  let session: Buffer | undefined;
  return () => new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: HOST, port, secureContext, ...verification, ...(session ? { session } : {}) });
    socket.on('session', (s: Buffer) => { session = s; });
    socket.on('error', reject);
    socket.on('data', () => {});
    socket.on('close', () => resolve());
  });
}

/** localtls pieces over a node:tls socket: Connection always, options and verification on request. */
function pieces(withOptions: boolean, withVerify: boolean): () => Promise<void> {
  let session: Buffer | undefined;
  let chain: readonly Certificate[] = [];
  return async () => {
    if (withOptions) resolveConnectOptions(HOST, port, { trustRoots: roots, sessionCache: cache });
    const conn = new Connection({ host: HOST, port, settings: { side: 'client', maxMessageSize: 1 << 24, rejectionWindowMs: 10_000 } });
    const socket: TLSSocket = tlsConnect({ host: HOST, port, secureContext: context, ...clientVerificationOptions(), ...({ allowHalfOpen: true } as object), ...(session ? { session } : {}) });
    socket.on('session', (s: Buffer) => { session = s; });
    await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
    conn[kAttach](socket, socket, false, HOST);
    await new Promise((resolve) => socket.once('secureConnect', resolve));
    conn[kEstablish]('verify');
    const resumed = socket.isSessionReused();
    const presented = peerChain(socket);
    if (presented.length > 0) chain = presented;
    const protocol = socket.getProtocol() ?? '';
    let trustResult;
    if (withVerify) {
      const outcome = await verifyPeer({ side: 'client', peerCertificates: chain, host: HOST, port, serverName: undefined, protocol, alpn: undefined, resumed, anchors: anchors.load, defaultPolicy: { kind: 'ssl', hostname: HOST }, hook: undefined });
      if (!outcome.ok) throw outcome.error;
      trustResult = outcome.trustResult;
    }
    conn[kEstablish]('established', new SocketTlsInfo(socket, { protocol, alpn: undefined, serverName: undefined, peerCertificates: chain, resumed, trustResult }));
    await conn.receive({ min: 1 });
    conn.cancel();
  };
}

const variants: Record<string, () => Promise<void>> = {
  rawCa: bare(caContext, {}),
  rawCa12: bare(caContext12, {}),
  // The same context with node verification off: with `ca` (OpenSSL's verify result is ok) and without
  // (node:tls reports OpenSSL's verify failure as an Error object on every connection).
  rawCaOff: bare(caContext, clientVerificationOptions()),
  rawNoCaOff: bare(noCaContext, clientVerificationOptions()),
  bare13: bare(context13, clientVerificationOptions()),
  bare: bare(context, clientVerificationOptions()),
  connection: pieces(false, false),
  options: pieces(true, false),
  verify: pieces(true, true),
  connect: async () => { const c = connect(HOST, port, { trustRoots: roots, sessionCache: cache }); await c.ready; await c.receive({ min: 1 }); c.cancel(); },
};
// LADDER_VARIANTS=rawCa,connect: only those (an A/B of two builds compares their connect − rawCa).
const names = process.env.LADDER_VARIANTS ? process.env.LADDER_VARIANTS.split(',').filter((n) => n in variants) : Object.keys(variants);
try {
  for (const name of names) for (let i = 0; i < WARMUP; i++) await variants[name]!();
  const samples = Object.fromEntries(names.map((n) => [n, [] as number[]]));
  for (let i = 0; i < N; i++) {
    for (const name of i % 2 ? [...names].reverse() : names) {
      const before = cpu();
      await variants[name]!();
      samples[name]!.push(cpu() - before);
    }
  }
  console.log(`client CPU µs per resumed handshake, ${N} connections per variant, interleaved (Node ${process.version})`);
  for (const name of names) {
    const xs = samples[name]!.sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`${name.padEnd(11)} p50 ${String(xs[xs.length >> 1]).padStart(5)}  mean ${mean.toFixed(0).padStart(5)}`);
  }
} finally {
  server.stdin!.end();
  server.kill();
}
