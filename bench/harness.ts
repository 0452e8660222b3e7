/**
 * The benchmark harness: every figure is measured next to a baseline (raw node:tls, Node's own
 * crypto, or the openssl CLI) in the same run, interleaved over several rounds; medians and the
 * ratio ours/baseline are printed. Never a pass/fail test: the machine is shared and noisy.
 *
 * `--quick` (see {@link configure}) keeps every row but runs fewer rounds and iterations, so a test
 * can check that the harness runs; its figures are not worth quoting.
 */

/** Harness-wide settings, set once by bench/run.ts before any suite runs. */
export interface BenchSettings {
  /** Fewer rounds and iterations (a smoke run). Default false. */
  quick: boolean;
}

const settings: BenchSettings = { quick: false };

/** Changes the harness settings (bench/run.ts calls it from the command line). */
export function configure(changes: Partial<BenchSettings>): void {
  Object.assign(settings, changes);
}

/** True in a `--quick` run. */
export function isQuick(): boolean {
  return settings.quick;
}

/**
 * A repetition count for loops a suite runs itself: `n` normally, about a tenth of it (at least
 * `min`) in a `--quick` run. @example `medianMicros(op, scaled(2001))`
 */
export function scaled(n: number, min = 1): number {
  return settings.quick ? Math.max(min, Math.ceil(n / 10)) : n;
}

/** One measured operation: runs `iterations` times and returns nothing of interest. */
export type Operation = () => Promise<void> | void;

/** A comparison row. `unit` says what the rate counts (e.g. "handshakes/s"). */
export interface Comparison {
  name: string;
  unit: string;
  /** Our side. */
  ours: Operation;
  /** The baseline side (raw node:tls, Node crypto, ...). */
  baseline: Operation;
  /** Label of the baseline, e.g. "raw node:tls". */
  baselineName: string;
  /** Operations per round for each side (default 20). */
  iterations?: number;
  /** Rounds (default 5). */
  rounds?: number;
  /** When true, the figure is "higher is better" rate per second (default); when false, a latency (lower is better). */
  higherIsBetter?: boolean;
}

/** A finished row. */
export interface Row {
  /** The suite that measured it (filled in by bench/run.ts). */
  suite?: string;
  name: string;
  unit: string;
  ours: number;
  baseline: number;
  baselineName: string;
  /** ours / baseline for rates; baseline / ours for latencies (so > 1 is always "ours is better"). */
  ratio: number;
  /** True when higher figures are better (rates); false for latencies, sizes, memory. */
  higherIsBetter?: boolean;
  /** Per-round figures, when the row came from {@link compare} (for --json readers). */
  samples?: { ours: number[]; baseline: number[] };
  /** Process-bench facts (bench/process): CPU µs per op of each side, resumptions, protocol, pinning. */
  process?: {
    pinned: boolean; workload: string; opsPerRound: number; rounds: number;
    /** Segments per round and side (raw's and localtls's alternating); opsPerRound is over all of them. */
    segments?: number;
    cpuUsPerOp: { raw: { server: number; client: number }; localtls: { server: number; client: number } };
    /** The kernel's part of cpuUsPerOp (system time: sockets, TCP segments, wakeups). */
    sysUsPerOp?: { raw: { server: number; client: number }; localtls: { server: number; client: number } };
    resumed: { raw: number; localtls: number };
    protocol: { raw: string; localtls: string };
    /** The negotiated cipher suites (they differ unless LT_BENCH_RAW_CIPHERS=localtls: node's default prefers AES-256). */
    cipher: { raw: string; localtls: string };
    /** What one op is for `cpuUsPerOp` (handshake, MiB, round trip, connection). Default: handshake. */
    opUnit?: string;
    /** Per-workload facts, medians over rounds (bytes, samples, p50Us, p99Us, connections, memory deltas...). */
    detail?: { raw: Record<string, number>; localtls: Record<string, number> };
  };
}

/** A row measured outside `compare` (e.g. latency percentiles or memory), already reduced. */
export function customRow(name: string, unit: string, ours: number, baseline: number, baselineName: string, higherIsBetter = true): Row {
  return { name, unit, ours, baseline, baselineName, ratio: higherIsBetter ? ours / baseline : baseline / ours, higherIsBetter };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timeRound(op: Operation, iterations: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await op();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return iterations / seconds;
}

/**
 * Runs both sides interleaved (ours, baseline, baseline, ours, ...) after one warm-up call each,
 * and reports the median rate per second of each side. In a `--quick` run: 2 rounds and about a
 * tenth of the iterations.
 */
export async function compare(c: Comparison): Promise<Row> {
  const iterations = settings.quick ? Math.max(1, Math.ceil((c.iterations ?? 20) / 10)) : c.iterations ?? 20;
  const rounds = settings.quick ? Math.min(2, c.rounds ?? 5) : c.rounds ?? 5;
  await c.ours();
  await c.baseline();
  const ours: number[] = [];
  const base: number[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) { ours.push(await timeRound(c.ours, iterations)); base.push(await timeRound(c.baseline, iterations)); }
    else { base.push(await timeRound(c.baseline, iterations)); ours.push(await timeRound(c.ours, iterations)); }
  }
  const o = median(ours);
  const b = median(base);
  return { name: c.name, unit: c.unit, ours: o, baseline: b, baselineName: c.baselineName, ratio: o / b, higherIsBetter: true, samples: { ours, baseline: base } };
}

/** A bench suite: a named group of rows. */
export interface Suite {
  name: string;
  run(): Promise<Row[]>;
}

function format(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/**
 * Prints rows as a Markdown table: suite, benchmark, unit, both medians, what the baseline is, and
 * the ratio (> 1: localtls is better — faster, or smaller for latencies and memory).
 */
export function printTable(rows: Row[]): string {
  const lines = ['| suite | benchmark | unit | localtls | baseline | baseline is | ratio |', '|---|---|---|---:|---:|---|---:|'];
  for (const r of rows) lines.push(`| ${r.suite ?? ''} | ${r.name} | ${r.unit}${r.higherIsBetter === false ? ' (lower is better)' : ''} | ${format(r.ours)} | ${format(r.baseline)} | ${r.baselineName} | ${r.ratio.toFixed(2)}× |`);
  return lines.join('\n');
}
