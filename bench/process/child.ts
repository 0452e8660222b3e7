/**
 * One side of the process bench (`bench/process/suite.ts` starts it, pinned to a core where taskset
 * exists). argv: role (server|client), impl (raw|localtls), workload, ops, port.
 * Workloads and what `ops` counts: full | resumed | hook (sequential handshakes), bulk (MiB sent
 * server→client over one connection), echo (64-byte round trips over one connection), idle (verified
 * connections held open), sends (64-byte client→server sends, each awaited the way its side
 * allows: localtls `await send()`, raw `write()` and 'drain' when it returns false; the server
 * answers one byte after the warm-up's bytes and after each segment's). Credentials come as PEM in the environment (LT_BENCH_CHAIN, LT_BENCH_KEY,
 * LT_BENCH_CA); LT_BENCH_QUICK=1 (from --quick) shortens the warm-ups.
 *
 * Control protocol (JSON lines on stdout, text lines on stdin):
 * - server: prints `{"port":N}`; on `mark` (gc, then) starts counting CPU and memory from now and
 *   prints `{"marked":true}`; on `memory` waits until `ops + 1` connections are open (bounded), then
 *   prints `{"connections","rssDelta","heapDelta"}` (verified connections after the warm-up one,
 *   bytes since mark, after gc; idle connections are never closed before the process exits); when stdin closes
 *   prints `{"cpuUs":N,"sysUs":N}` (user+sys, and sys alone, since mark) and exits.
 * - client: sets up (bulk/echo: one verified connection and, for echo, a warm-up; idle: one warm-up
 *   connection), prints `{"ready":true}`, then on every `go` runs the workload once (one *segment*:
 *   `ops` operations over the same connection, session and warm code) and prints one JSON line
 *   (ops, seconds, cpuUs, sysUs, resumed, protocol, cipher, and per workload bytes / trips (µs) /
 *   sends / memory); exits when stdin closes (so idle connections stay open while the server measures).
 *   The suite alternates the segments of raw and localtls (both pairs alive), so a shift in the
 *   machine's speed falls on both sides alike.
 */
import { connect as tlsConnect, createSecureContext, createServer as tlsServer, type SecureContext, type TLSSocket } from 'node:tls';
import { createInterface } from 'node:readline';
import { Certificate } from '../../src/cert/certificate.js';
import { Identity } from '../../src/identity/identity.js';
import { connect, createListener, SessionCache, type Connection } from '../../src/index.js';
import { CIPHER_LIST } from '../../src/tls/ciphers.js';

const [role, impl, workload, opsText, portText] = process.argv.slice(2) as [string, string, string, string, string];
const HOST = '127.0.0.1';
const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);
const PING = Buffer.alloc(64, 0x65);
/**
 * Warm-up before anything is measured, the same for raw and localtls: a deployment's connections
 * run in steady state, long after V8 has compiled the hot paths. Measured (2026-12-06, per-trip
 * samples): with 500 warm-up trips, the slow trips (>200 µs) sat at the same indices run after run
 * in the first ~1,000 measured trips, for both sides — JIT tiering, not the network — and, since
 * localtls has more JavaScript to compile, they decided its p99 (0.40–0.52×); from measured trip
 * 1,500 on the p99s were 145–167 vs 129–149 µs.
 */
const QUICK = process.env.LT_BENCH_QUICK === '1';
const ECHO_WARMUP = QUICK ? 200 : 2_500;
/**
 * Sequential handshakes before the measured ones (and, for `resumed`, the session to resume with).
 * The same reason as the echo warm-up: measured (2026-12-07, `--trace-opt`, per 100 connections),
 * V8 was still optimizing functions at ~4–10 per 100 handshakes up to ~2,000 handshakes, for both
 * clients (raw ~5, localtls ~8); with 150 warm-up handshakes those compilations (on V8's threads,
 * counted in the process's CPU) and the slower code before them were inside the measured run, and
 * decided a third of localtls's extra client CPU per resumed handshake. 2,500 is past that, for both.
 */
const HANDSHAKE_WARMUP = QUICK ? 10 : 2_500;
/** 64-byte sends before the measured ones (the server answers one byte after them, and after the measured ones). */
const SENDS_WARMUP = QUICK ? 500 : 20_000;
const chainPem = process.env.LT_BENCH_CHAIN!;
const keyPem = process.env.LT_BENCH_KEY!;
const caPem = process.env.LT_BENCH_CA!;
const ops = Number(opsText);
/**
 * LT_BENCH_RAW_CIPHERS=localtls gives the raw side localtls's suite list and order (the server
 * honouring it), so both negotiate the same suite: TLS_AES_128_GCM_SHA256 instead of node's default
 * TLS_AES_256_GCM_SHA384. Unset, raw runs node's defaults, as a careful node:tls user would.
 */
const RAW_SUITES = process.env.LT_BENCH_RAW_CIPHERS === 'localtls' ? { ciphers: CIPHER_LIST } : {};
/** LT_BENCH_RAW_NODELAY=1: raw sets TCP_NODELAY on handshake rows too, as localtls always does (diagnostic). */
const RAW_NODELAY = process.env.LT_BENCH_RAW_NODELAY === '1';
/** What each result says about the session: protocol and negotiated suite. */
const rawFacts = (socket: TLSSocket) => ({ protocol: socket.getProtocol() ?? '', cipher: socket.getCipher()?.standardName ?? '' });
const localtlsFacts = (conn: Connection) => ({ protocol: conn.tls?.protocol ?? '', cipher: conn.tls?.cipher ?? '' });
type Facts = { protocol: string; cipher: string };
/** CPU spent since `from` (one process.cpuUsage() reading): user+sys, and sys alone (the kernel: sockets, segments, wakeups). */
const spent = (from: NodeJS.CpuUsage) => { const u = process.cpuUsage(from); return { cpuUs: u.user + u.system, sysUs: u.system }; };
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const print = (value: object) => process.stdout.write(`${JSON.stringify(value)}\n`);
const heap = () => { const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed + m.external }; };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Text lines from the suite on stdin; `onEnd` when it closes. */
function commands(on: (line: string) => void, onEnd: () => void): void {
  const rl = createInterface({ input: process.stdin });
  rl.on('line', on);
  rl.on('close', onEnd);
}

async function server(): Promise<void> {
  let port: number;
  let close: () => void;
  let open = 0;
  if (impl === 'raw') {
    const s = tlsServer({ cert: chainPem, key: keyPem, minVersion: 'TLSv1.3', ...RAW_SUITES, ...(RAW_SUITES.ciphers ? { honorCipherOrder: true } : {}), noDelay: RAW_NODELAY || workload === 'bulk' || workload === 'echo' || workload === 'sends' || workload === 'idle' }, (socket) => {
      socket.on('error', () => {});
      if (workload === 'bulk') {
        // Every request byte (one per segment; the next comes after this one's last byte) asks for ops MiB.
        socket.on('data', () => {
          const total = ops * MiB;
          const go = (sent: number): void => { while (sent < total) { sent += CHUNK.length; if (!socket.write(CHUNK)) { socket.once('drain', () => go(sent)); return; } } };
          go(0);
        });
      } else if (workload === 'echo') socket.on('data', (d: Buffer) => socket.write(d));
      else if (workload === 'sends') {
        let bytes = 0;
        let next = SENDS_WARMUP * PING.length;
        socket.on('data', (d: Buffer) => { bytes += d.length; if (bytes >= next) { socket.write('k'); next += ops * PING.length; } });
      } else if (workload === 'idle') open++;
      else setImmediate(() => socket.end());
    });
    s.on('tlsClientError', () => {});
    await new Promise<void>((r) => s.listen(0, HOST, r));
    port = (s.address() as { port: number }).port;
    close = () => s.close();
  } else {
    const listener = createListener({ identity: Identity.fromPEM(chainPem, keyPem), port: 0, host: HOST });
    listener.on('connection', (conn: Connection) => {
      if (workload === 'bulk') {
        void (async () => {
          for (;;) { // one request byte per segment
            await conn.receive({ min: 1, max: 1 });
            for (let sent = 0; sent < ops * MiB; sent += CHUNK.length) await conn.send(CHUNK);
          }
        })().catch(() => {});
      } else if (workload === 'echo') {
        void (async () => { for await (const chunk of conn) await conn.send(chunk); })().catch(() => {});
      } else if (workload === 'sends') {
        void (async () => {
          let bytes = 0;
          let next = SENDS_WARMUP * PING.length;
          for await (const chunk of conn) { bytes += chunk.length; if (bytes >= next) { await conn.send('k'); next += ops * PING.length; } }
        })().catch(() => {});
      } else if (workload === 'idle') open++; // counted, nothing attached: what the library itself holds
      else void conn.send(new Uint8Array(0), { final: true }).catch(() => {});
    });
    await listener.ready;
    port = listener.port;
    close = () => listener.cancel({ force: true });
  }
  let start = process.cpuUsage();
  let base = heap();
  print({ port });
  commands((line) => {
    if (line === 'mark') {
      gc(); gc();
      base = heap();
      start = process.cpuUsage();
      print({ marked: true });
    } else if (line === 'memory') {
      void (async () => {
        for (let i = 0; i < 200 && open < ops + 1; i++) await sleep(50);
        await sleep(200);
        gc(); gc();
        const now = heap();
        print({ connections: open - 1, rssDelta: now.rss - base.rss, heapDelta: now.heap - base.heap });
      })();
    }
  }, () => { print(spent(start)); close(); process.exit(0); });
}

/** The raw client: a careful node:tls user (one SecureContext, native `ca` verification with the IP check). */
function rawConnect(context: SecureContext, session?: Buffer): TLSSocket {
  const socket = tlsConnect({ host: HOST, port: Number(portText), secureContext: context, servername: undefined, ...(session ? { session } : {}) });
  if (RAW_NODELAY) socket.setNoDelay(true);
  return socket;
}

/**
 * Sequential raw handshakes; the session (for `resumed`) carries over between calls, so the warm-up
 * in setup leaves the measured run a session to resume with, as a long-running client has.
 */
function rawHandshaker(context: SecureContext): (count: number) => Promise<{ resumed: number } & Facts> {
  let session: Buffer | undefined;
  return async (count) => {
    let resumed = 0;
    let facts: Facts = { protocol: '', cipher: '' };
    for (let i = 0; i < count; i++) {
      await new Promise<void>((resolve, reject) => {
        const socket = rawConnect(context, workload === 'resumed' ? session : undefined);
        socket.on('session', (s: Buffer) => { session = s; });
        socket.once('secureConnect', () => { if (socket.isSessionReused()) resumed++; if (i === count - 1) facts = rawFacts(socket); });
        socket.on('error', reject);
        socket.on('data', () => {});
        socket.on('close', () => resolve());
      });
    }
    return { resumed, ...facts };
  };
}

/** Sequential localtls handshakes; one session cache across calls (see rawHandshaker). */
function localtlsHandshaker(trustRoots: Certificate[]): (count: number) => Promise<{ resumed: number } & Facts> {
  const cache = new SessionCache();
  return async (count) => {
    let resumed = 0;
    let facts: Facts = { protocol: '', cipher: '' };
    for (let i = 0; i < count; i++) {
      const conn = connect(HOST, Number(portText), {
        trustRoots, sessionCache: workload === 'resumed' ? cache : new SessionCache(),
        ...(workload === 'hook' ? { verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted } : {}),
      });
      await conn.ready;
      if (conn.tls?.resumed) resumed++;
      if (i === count - 1) facts = localtlsFacts(conn); // (once: the facts are the same every time; raw's side does the same)
      await conn.receive({ min: 1 });
      conn.cancel();
    }
    return { resumed, ...facts };
  };
}

/** A verified raw connection with a byte counter and "wait until n bytes have arrived". */
async function rawStream(context: SecureContext) {
  const socket = rawConnect(context);
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
  let received = 0;
  let target = 0;
  let waiter: (() => void) | undefined;
  socket.on('data', (d: Buffer) => { received += d.length; if (waiter && received >= target) { const w = waiter; waiter = undefined; w(); } });
  const until = (n: number) => new Promise<void>((r) => { target = n; if (received >= n) r(); else waiter = r; });
  return { socket, facts: rawFacts(socket), resumed: socket.isSessionReused(), received: () => received, until };
}

type Result = Record<string, unknown> & { resumed: number } & Facts;
type Step = { setup(): Promise<void>; run(): Promise<Result> };

function rawSteps(): Step {
  const context = createSecureContext({ ca: caPem, minVersion: 'TLSv1.3', ...RAW_SUITES });
  let s: Awaited<ReturnType<typeof rawStream>>;
  const kept: TLSSocket[] = [];
  if (workload === 'bulk') {
    return {
      setup: async () => { s = await rawStream(context); },
      run: async () => { const start = s.received(); s.socket.write('d'); await s.until(start + ops * MiB); return { bytes: s.received() - start, resumed: s.resumed ? 1 : 0, ...s.facts }; },
    };
  }
  if (workload === 'echo') {
    const trip = async () => { const start = s.received(); s.socket.write(PING); await s.until(start + PING.length); };
    return {
      setup: async () => { s = await rawStream(context); for (let i = 0; i < ECHO_WARMUP; i++) await trip(); },
      run: async () => echoRun(trip, s.resumed, s.facts),
    };
  }
  if (workload === 'sends') {
    const burst = async (count: number) => {
      const start = s.received();
      for (let i = 0; i < count; i++) if (!s.socket.write(PING)) await new Promise((r) => s.socket.once('drain', r));
      await s.until(start + 1);
    };
    return {
      setup: async () => { s = await rawStream(context); await burst(SENDS_WARMUP); },
      run: async () => { await burst(ops); return { sends: ops, resumed: s.resumed ? 1 : 0, ...s.facts }; },
    };
  }
  if (workload === 'idle') {
    const open = () => new Promise<TLSSocket>((resolve, reject) => { const socket = rawConnect(context); socket.setNoDelay(true); socket.once('secureConnect', () => resolve(socket)); socket.once('error', reject); });
    return {
      setup: async () => { kept.push(await open()); },
      run: async () => idleRun(async () => { const socket = await open(); kept.push(socket); return { resumed: socket.isSessionReused(), ...rawFacts(socket) }; }),
    };
  }
  const handshakes = rawHandshaker(context);
  return { setup: async () => { await handshakes(HANDSHAKE_WARMUP); }, run: () => handshakes(ops) };
}

function localtlsSteps(): Step {
  const trustRoots = [Certificate.fromPEMBundle(caPem)[0]!];
  let conn: Connection;
  const kept: Connection[] = [];
  // Full handshakes, like the raw side (no session passed): these rows measure the connection, not resumption.
  const ready = async () => { const c = connect(HOST, Number(portText), { trustRoots, resumption: false }); await c.ready; return c; };
  if (workload === 'bulk') {
    return {
      setup: async () => { conn = await ready(); },
      run: async () => {
        await conn.send('d');
        let bytes = 0;
        const total = ops * MiB;
        // The way a user reads a stream: async iteration over the chunks as they come.
        for await (const chunk of conn) { bytes += chunk.length; if (bytes >= total) break; }
        return { bytes, resumed: conn.tls?.resumed ? 1 : 0, ...localtlsFacts(conn) };
      },
    };
  }
  if (workload === 'echo') {
    const trip = async () => { await conn.send(PING); await conn.receive({ min: PING.length, max: PING.length }); };
    return {
      setup: async () => { conn = await ready(); for (let i = 0; i < ECHO_WARMUP; i++) await trip(); },
      run: async () => echoRun(trip, conn.tls?.resumed === true, localtlsFacts(conn)),
    };
  }
  if (workload === 'sends') {
    const burst = async (count: number) => {
      for (let i = 0; i < count; i++) await conn.send(PING);
      await conn.receive({ min: 1, max: 1 });
    };
    return {
      setup: async () => { conn = await ready(); await burst(SENDS_WARMUP); },
      run: async () => { await burst(ops); return { sends: ops, resumed: conn.tls?.resumed ? 1 : 0, ...localtlsFacts(conn) }; },
    };
  }
  if (workload === 'idle') {
    return {
      setup: async () => { kept.push(await ready()); },
      run: async () => idleRun(async () => { const c = await ready(); kept.push(c); return { resumed: c.tls?.resumed === true, ...localtlsFacts(c) }; }),
    };
  }
  const handshakes = localtlsHandshaker(trustRoots);
  return { setup: async () => { await handshakes(HANDSHAKE_WARMUP); }, run: () => handshakes(ops) };
}

async function echoRun(trip: () => Promise<void>, resumed: boolean, facts: Facts): Promise<Result> {
  const samples: number[] = [];
  for (let i = 0; i < ops; i++) {
    const t = process.hrtime.bigint();
    await trip();
    samples.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  // Every trip, in order: the suite pools the segments of a round before taking percentiles.
  return { trips: samples, resumed: resumed ? 1 : 0, ...facts };
}

/** Opens `ops` connections one after the other and keeps them; the client's own memory growth too. */
async function idleRun(open: () => Promise<{ resumed: boolean } & Facts>): Promise<Result> {
  gc(); gc();
  const before = heap();
  let resumed = 0;
  let facts: Facts = { protocol: '', cipher: '' };
  for (let i = 0; i < ops; i++) { const r = await open(); if (r.resumed) resumed++; facts = { protocol: r.protocol, cipher: r.cipher }; }
  await sleep(200);
  gc(); gc();
  const after = heap();
  return { connections: ops, clientRssDelta: after.rss - before.rss, clientHeapDelta: after.heap - before.heap, resumed, ...facts };
}

async function client(): Promise<void> {
  const steps = impl === 'raw' ? rawSteps() : localtlsSteps();
  await steps.setup();
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  print({ ready: true });
  // One segment per `go`, in order (the suite sends the next only after this one's answer).
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    if (line.value !== 'go') continue;
    const start = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const result = await steps.run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    print({ ops, seconds, ...spent(start), ...result });
  }
  process.exit(0);
}

await (role === 'server' ? server() : client());
