/**
 * Transport measured the way a deployment runs it: server and client are separate child processes
 * (pinned with `taskset -c 0` / `-c 1` where taskset exists). In each round both sides' pairs are
 * started and warmed up, then their measured work runs in segments that alternate raw, localtls,
 * localtls, raw … (a shared host's speed shifts over seconds; alternating every ~0.1–0.3 s puts
 * those shifts on both sides alike); medians of same-round ratios; CPU per operation (user+sys) of
 * each side, counted from the moment the client's setup (connection, warm-up) is done.
 * Raw baseline: one SecureContext per process, native `ca` verification with the hostname (IP) check,
 * resumption by passing the last `session` by hand; `noDelay` on the long-lived connections (as
 * localtls sets it); socket.write / 'data'.
 *
 * Rows: full, resumed, hook (sequential handshakes, 4 segments of 100); bulk (256 MiB
 * server→client over one connection in 8 segments of 32 MiB, 64 MiB in --quick); echo-p50 and echo-p99 (64-byte round trips over one established
 * connection, after a warm-up); sends (100,000 64-byte sends client→server over one connection, each
 * awaited as its side allows: localtls `await send()`, raw `write()` and 'drain'); idle-rss and idle-heap (server memory growth per 1,000 idle verified
 * connections, measured after gc; lower is better, ratio raw/ours).
 *
 * Environment (for profiling and partial runs, never needed otherwise): `LT_BENCH_WORKLOADS` =
 * comma list of child workloads to run (full,resumed,hook,bulk,echo,sends,idle); `LT_BENCH_RAW_CIPHERS=localtls`
 * = raw negotiates localtls's suite (node's default prefers AES-256-GCM-SHA384); `LT_BENCH_ROUNDS` = rounds
 * per row (odd, default 3); `LT_BENCH_CLIENT_FLAGS` /
 * `LT_BENCH_SERVER_FLAGS` = extra node flags for the client / server children (e.g. `--cpu-prof`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { once as onceEvent } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../../src/ca/index.js';
import { ConfigError } from '../../src/errors.js';
import { isQuick, type Row, type Suite } from '../harness.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const PINNED = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const PIN_LABEL = PINNED ? ', pinned taskset -c 0/-c 1' : ', not pinned (no taskset)';
/** Unset: raw runs node's default suites. `localtls`: raw gets localtls's suite list and order (child.ts). */
const RAW_CIPHERS = process.env.LT_BENCH_RAW_CIPHERS ?? '';
const BASELINE = `raw node:tls (one context, ca, session by hand${RAW_CIPHERS === 'localtls' ? ", localtls's suites" : ''})`;
const MiB = 1024 * 1024;

interface Run {
  /** The row figure of this run, by metric (rate, p50, p99, rss, heap). */
  figure: Record<string, number>;
  serverCpuUsPerOp: number;
  clientCpuUsPerOp: number;
  /** The kernel's part of the CPU per op (system time). */
  serverSysUsPerOp: number;
  clientSysUsPerOp: number;
  resumed: number;
  protocol: string;
  /** The negotiated cipher suite (standard name). */
  cipher: string;
  detail: Record<string, number>;
}

function flags(name: string): string[] {
  return (process.env[name] ?? '').split(' ').filter((f) => f.length > 0);
}

function start(core: number, args: string[], env: NodeJS.ProcessEnv, extra: string[]) {
  const node = ['--expose-gc', ...extra, CHILD, ...args];
  const cmd = PINNED ? 'taskset' : process.execPath;
  const argv = PINNED ? ['-c', String(core), process.execPath, ...node] : node;
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`bench child ${args.slice(0, 3).join(' ')} ended without answering`);
    return JSON.parse(line.value as string) as Record<string, number | string>;
  };
  const say = (text: string) => child.stdin!.write(`${text}\n`);
  return { child, next, say };
}

type Impl = 'raw' | 'localtls';
type Child = ReturnType<typeof start>;
/** One side's server and client children, set up (client ready) and still running. */
interface Pair { impl: Impl; server: Child; client: Child; segments: Record<string, number | string | number[]>[]; memory: Record<string, number> }

/** Starts `impl`'s server and client for `workload` and waits for the client's setup (connection, warm-up). */
async function startPair(impl: Impl, workload: string, ops: number, env: NodeJS.ProcessEnv, live: Child[]): Promise<Pair> {
  const server = start(0, ['server', impl, workload, String(ops), '0'], env, flags('LT_BENCH_SERVER_FLAGS'));
  live.push(server);
  const { port } = await server.next() as { port: number };
  const client = start(1, ['client', impl, workload, String(ops), String(port)], env, flags('LT_BENCH_CLIENT_FLAGS'));
  live.push(client);
  await client.next(); // {"ready":true}: connected (and warmed up) where the workload needs it
  return { impl, server, client, segments: [], memory: {} };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** A pair's segments reduced to one Run: rates over the summed time, percentiles over the pooled trips. */
function reduce(pair: Pair, workload: string, server: { cpuUs: number; sysUs: number }): Run {
  const segs = pair.segments;
  const sum = (k: string) => segs.reduce((n, x) => n + (x[k] as number), 0);
  const ops = sum('ops');
  const seconds = sum('seconds');
  const detail: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...segs[0], ...pair.memory })) {
    if (typeof v === 'number' && !['cpuUs', 'sysUs', 'resumed', 'ops', 'seconds'].includes(k)) detail[k] = k in pair.memory ? v : sum(k);
  }
  const figure: Record<string, number> = {};
  if (workload === 'bulk') figure.rate = detail.bytes! / MiB / seconds;
  else if (workload === 'echo') {
    const trips = segs.flatMap((x) => x.trips as number[]).sort((a, b) => a - b);
    Object.assign(detail, { samples: trips.length, p50Us: percentile(trips, 50), p99Us: percentile(trips, 99) });
    figure.p50 = detail.p50Us!; figure.p99 = detail.p99Us!;
  } else if (workload === 'idle') { figure.rss = (pair.memory.rssDelta! / pair.memory.connections!) * 1000 / MiB; figure.heap = (pair.memory.heapDelta! / pair.memory.connections!) * 1000 / MiB; }
  else figure.rate = ops / seconds;
  const last = segs[segs.length - 1]!;
  return {
    figure, serverCpuUsPerOp: server.cpuUs / ops, clientCpuUsPerOp: sum('cpuUs') / ops, serverSysUsPerOp: server.sysUs / ops, clientSysUsPerOp: sum('sysUs') / ops,
    resumed: sum('resumed'), protocol: last.protocol as string, cipher: last.cipher as string, detail,
  };
}

/**
 * One round: both pairs started and set up (`first` first), both servers marked, then `segments`
 * segments of each side alternating (the order flipping every segment), so the machine's shifts
 * in speed — seconds long on this shared host — fall on both sides alike. Each server's CPU counts
 * from its mark to the end (it idles while the other pair runs).
 */
async function round(first: Impl, workload: string, rawWorkload: string, ops: number, segments: number, env: NodeJS.ProcessEnv): Promise<Record<Impl, Run>> {
  const live: Child[] = [];
  try {
    const second: Impl = first === 'raw' ? 'localtls' : 'raw';
    const pairs = [] as Pair[];
    for (const impl of [first, second]) pairs.push(await startPair(impl, impl === 'raw' ? rawWorkload : workload, ops, env, live));
    for (const p of pairs) { p.server.say('mark'); await p.server.next(); }
    for (let s = 0; s < segments; s++) {
      for (const p of s % 2 === 0 ? pairs : [...pairs].reverse()) {
        p.client.say('go');
        p.segments.push(await p.client.next() as Pair['segments'][number]);
        if (workload === 'idle') { p.server.say('memory'); p.memory = await p.server.next() as Record<string, number>; }
      }
    }
    const runs = {} as Record<Impl, Run>;
    for (const p of pairs) {
      p.server.child.stdin!.end();
      runs[p.impl] = reduce(p, workload, await p.server.next() as { cpuUs: number; sysUs: number });
    }
    return runs;
  } finally {
    for (const c of live) {
      c.child.stdin!.end();
      if (c.child.exitCode === null && c.child.signalCode === null) await onceEvent(c.child, 'exit');
    }
  }
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

interface Workload {
  /** The child's workload; `raw` is what the baseline runs (the hook row compares against raw full). */
  child: string;
  raw: string;
  /** Operations per round and side, over all its segments. */
  ops: number;
  /** Segments per round and side: `ops / segments` operations each, raw's and localtls's alternating. */
  segments: number;
  opUnit: string;
  /** One row per metric: row id, metric of Run.figure, name, unit, higher is better. */
  rows: { id: string; metric: string; name: string; unit: string; higherIsBetter: boolean }[];
}

function workloads(): Workload[] {
  const q = isQuick();
  const hs = q ? 6 : 400;
  /** Segments per round and side (alternating raw and localtls), idle excepted: one fill, one measure. */
  const seg = q ? 2 : 0;
  const all: Workload[] = [
    { child: 'full', raw: 'full', ops: hs, segments: seg || 4, opUnit: 'handshake', rows: [{ id: 'full', metric: 'rate', name: 'full TLS 1.3 P-256 handshakes, sequential (separate processes)', unit: 'hs/s', higherIsBetter: true }] },
    { child: 'resumed', raw: 'resumed', ops: hs, segments: seg || 4, opUnit: 'handshake', rows: [{ id: 'resumed', metric: 'rate', name: 'resumed TLS 1.3 handshakes, sequential (separate processes)', unit: 'hs/s', higherIsBetter: true }] },
    { child: 'hook', raw: 'full', ops: hs, segments: seg || 4, opUnit: 'handshake', rows: [{ id: 'hook', metric: 'rate', name: 'full handshake + verify hook ctx.evaluate(basicX509) vs raw full (separate processes)', unit: 'hs/s', higherIsBetter: true }] },
    { child: 'bulk', raw: 'bulk', ops: q ? 64 : 256, segments: seg || 8, opUnit: 'MiB', rows: [{ id: 'bulk', metric: 'rate', name: `bulk ${q ? 64 : 256} MiB server→client (${seg || 8} × ${(q ? 64 : 256) / (seg || 8)} MiB), one connection (separate processes)`, unit: 'MiB/s', higherIsBetter: true }] },
    {
      child: 'echo', raw: 'echo', ops: q ? 200 : 5000, segments: seg || 5, opUnit: 'round trip', rows: [
        { id: 'echo-p50', metric: 'p50', name: '64-byte echo round trip p50, one connection (separate processes)', unit: 'µs', higherIsBetter: false },
        { id: 'echo-p99', metric: 'p99', name: '64-byte echo round trip p99, one connection (separate processes)', unit: 'µs', higherIsBetter: false },
      ],
    },
    { child: 'sends', raw: 'sends', ops: q ? 2000 : 100_000, segments: seg || 5, opUnit: 'send', rows: [{ id: 'sends', metric: 'rate', name: '64-byte sends client→server, each awaited, one connection (separate processes)', unit: 'sends/s', higherIsBetter: true }] },
    {
      child: 'idle', raw: 'idle', ops: q ? 50 : 1000, segments: 1, opUnit: 'connection', rows: [
        { id: 'idle-rss', metric: 'rss', name: 'server RSS growth per 1,000 idle verified connections (separate processes)', unit: 'MiB', higherIsBetter: false },
        { id: 'idle-heap', metric: 'heap', name: 'server heap+external growth per 1,000 idle verified connections (separate processes)', unit: 'MiB', higherIsBetter: false },
      ],
    },
  ];
  const only = (process.env.LT_BENCH_WORKLOADS ?? '').split(',').filter((w) => w.length > 0);
  const unknown = only.filter((w) => !all.some((x) => x.child === w));
  // A typo would otherwise run fewer rows than asked, silently.
  if (unknown.length > 0) throw new ConfigError('INVALID_OPTION', `LT_BENCH_WORKLOADS: expected a comma list of ${all.map((w) => w.child).join(', ')}; found ${JSON.stringify(unknown.join(','))}`);
  return only.length > 0 ? all.filter((w) => only.includes(w.child)) : all;
}

/** `LT_BENCH_ROUNDS` (odd, 1..21; default 3): more rounds, a steadier median on a noisy machine. */
function roundsFromEnv(): number {
  const text = process.env.LT_BENCH_ROUNDS;
  if (text === undefined || text === '') return 3;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 21 || n % 2 === 0) throw new ConfigError('INVALID_OPTION', `LT_BENCH_ROUNDS: expected an odd whole number from 1 to 21; found ${JSON.stringify(text)}`);
  return n;
}

/** Rows of the process bench; `Row.process` holds CPU per op of each side and per-workload facts. */
export async function processRows(): Promise<Row[]> {
  // Settings first: a bad one stops the run before a CA is made or a child is started.
  if (RAW_CIPHERS !== '' && RAW_CIPHERS !== 'localtls') throw new ConfigError('INVALID_OPTION', `LT_BENCH_RAW_CIPHERS: expected "localtls" or nothing; found ${JSON.stringify(RAW_CIPHERS)}`);
  const ca = await CertificateAuthority.create({ commonName: 'Bench CA' });
  const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
  const tls = identity.tlsOptions() as { cert: string | Buffer; key: string | Buffer };
  const env = { LT_BENCH_CHAIN: String(tls.cert), LT_BENCH_KEY: String(tls.key), LT_BENCH_CA: ca.certificate.toPEM(), LT_BENCH_QUICK: isQuick() ? '1' : '0' };
  const rounds = isQuick() ? 1 : roundsFromEnv();
  const rows: Row[] = [];
  for (const w of workloads()) {
    const raw: Run[] = [];
    const ours: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      const runs = await round(r % 2 === 0 ? 'raw' : 'localtls', w.child, w.raw, w.ops / w.segments, w.segments, env);
      raw.push(runs.raw);
      ours.push(runs.localtls);
    }
    const cpu = (runs: Run[]) => ({ server: median(runs.map((x) => x.serverCpuUsPerOp)), client: median(runs.map((x) => x.clientCpuUsPerOp)) });
    const sys = (runs: Run[]) => ({ server: median(runs.map((x) => x.serverSysUsPerOp)), client: median(runs.map((x) => x.clientSysUsPerOp)) });
    const detail = (runs: Run[]) => Object.fromEntries(Object.keys(runs[0]!.detail).map((k) => [k, median(runs.map((x) => x.detail[k]!))]));
    for (const row of w.rows) {
      const o = ours.map((x) => x.figure[row.metric]!);
      const b = raw.map((x) => x.figure[row.metric]!);
      rows.push({
        name: `${row.name}${PIN_LABEL}`, unit: row.unit, ours: median(o), baseline: median(b), baselineName: BASELINE,
        ratio: median(o.map((x, i) => (row.higherIsBetter ? x / b[i]! : b[i]! / x))), higherIsBetter: row.higherIsBetter,
        samples: { ours: o, baseline: b },
        process: {
          pinned: PINNED, workload: row.id, opsPerRound: w.ops, rounds, segments: w.segments, opUnit: w.opUnit,
          cpuUsPerOp: { raw: cpu(raw), localtls: cpu(ours) },
          sysUsPerOp: { raw: sys(raw), localtls: sys(ours) },
          resumed: { raw: raw.reduce((n, x) => n + x.resumed, 0), localtls: ours.reduce((n, x) => n + x.resumed, 0) },
          protocol: { raw: raw[0]!.protocol, localtls: ours[0]!.protocol },
          cipher: { raw: raw[0]!.cipher, localtls: ours[0]!.cipher },
          detail: { raw: detail(raw), localtls: detail(ours) },
        },
      });
    }
  }
  return rows;
}

/** `npm run bench -- transport-process`. */
export const transportProcessSuite: Suite = { name: 'transport-process', run: processRows };
