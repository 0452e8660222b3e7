/**
 * `npm run bench -- workers`: full TLS 1.3 handshakes with 16 in flight against
 * `createListener({ workers: 2 })` versus `workers: 1`, from a separate client process (plain
 * node:tls, one context, native `ca` verification). Runs alternate 1/2/2/1… over 3 rounds; the
 * ratio is the median of same-round ratios. Server CPU per handshake is the workers' user+sys
 * (from /proc on Linux; omitted elsewhere). Target (issue 13): ≥ 0.8·N×, so ≥ 1.6× for 2 workers —
 * on a 2-core machine the client process needs a share of the same two cores, so read the CPU
 * columns next to the rate.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../../src/ca/index.js';
import type { KeyAlgorithm } from '../../src/identity/key-algorithm.js';
import { createListener } from '../../src/index.js';
import { isQuick, type Row, type Suite } from '../harness.js';

const LOAD = fileURLToPath(new URL('../process/load.js', import.meta.url));
const HANDLER = new URL('../process/worker-handler.js', import.meta.url);
const INFLIGHT = 16;

/** user+sys µs of a process from /proc (Linux), or NaN. */
function cpuUsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime, stime in clock ticks (100 Hz)
  } catch { return Number.NaN; }
}

interface Run { rate: number; serverCpuUsPerOp: number; clientCpuUsPerOp: number; failures: number; protocol: string; busiestShare: number }

async function run(workers: number, identity: Parameters<typeof createListener>[0]['identity'], caPem: string, ops: number): Promise<Run> {
  const listener = createListener({ identity, port: 0, host: '127.0.0.1', workers, worker: HANDLER, minVersion: 'TLSv1.3' });
  try {
    await listener.ready;
    const pids = listener.workerPids;
    const before = pids.map(cpuUsOf);
    const child = spawn(process.execPath, [LOAD, String(listener.port), String(ops), String(INFLIGHT)], { env: { ...process.env, LT_BENCH_CA: caPem }, stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
    const c = JSON.parse(line.value as string) as { ops: number; seconds: number; cpuUs: number; failures: number; protocol: string };
    const perWorker = pids.map((pid, i) => cpuUsOf(pid) - before[i]!);
    const serverCpu = perWorker.reduce((sum, x) => sum + x, 0);
    return { rate: c.ops / c.seconds, serverCpuUsPerOp: serverCpu / c.ops, clientCpuUsPerOp: c.cpuUs / c.ops, failures: c.failures, protocol: c.protocol, busiestShare: Math.max(...perWorker) / serverCpu };
  } finally {
    await listener.close({ force: true });
  }
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };
const us = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en') : 'n/a');

async function rows(): Promise<Row[]> {
  const ca = await CertificateAuthority.create({ commonName: 'Bench CA' });
  const caPem = ca.certificate.toPEM();
  const out: Row[] = [];
  const workloads: [KeyAlgorithm, string, number][] = [['ecdsa-p256', 'P-256', 3000], ['rsa-4096', 'RSA-4096', 600]];
  for (const [keyAlgorithm, label, fullOps] of workloads) {
    const load = loadavg()[0]!.toFixed(1);
    const identity = await ca.issue({ hosts: ['127.0.0.1'], keyAlgorithm });
    const ops = isQuick() ? 40 : fullOps;
    const rounds = isQuick() ? 1 : 3;
    const one: Run[] = [];
    const two: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) { one.push(await run(1, identity, caPem, ops)); two.push(await run(2, identity, caPem, ops)); }
      else { two.push(await run(2, identity, caPem, ops)); one.push(await run(1, identity, caPem, ops)); }
    }
    const failures = [...one, ...two].reduce((n, x) => n + x.failures, 0);
    const share = Math.round(100 * median(two.map((x) => x.busiestShare)));
    const cpu = (runs: Run[]) => `${us(median(runs.map((x) => x.serverCpuUsPerOp)))}/${us(median(runs.map((x) => x.clientCpuUsPerOp)))}`;
    out.push({
      name: `full ${one[0]!.protocol || 'TLS 1.3'} ${label} handshakes, ${INFLIGHT} in flight, workers: 2 vs 1 (client: separate node:tls process; CPU µs/hs server/client 1 → 2 workers: ${cpu(one)} → ${cpu(two)}; busiest of 2 workers did ${Number.isFinite(share) ? `${share}%` : 'n/a'} of the server CPU; 1-min load average ${load} at start (other processes share the cores); target ≥ 1.6×${failures ? `; ${failures} failed` : ''})`,
      unit: 'hs/s', ours: median(two.map((x) => x.rate)), baseline: median(one.map((x) => x.rate)), baselineName: 'workers: 1 (same run)',
      ratio: median(two.map((x, i) => x.rate / one[i]!.rate)), higherIsBetter: true, samples: { ours: two.map((x) => x.rate), baseline: one.map((x) => x.rate) },
    });
  }
  return out;
}

/** `npm run bench -- workers`. */
export const workersSuite: Suite = { name: 'workers', run: rows };
