/**
 * Transport measured the way a deployment runs it: server and client are separate child processes
 * (pinned with `taskset -c 0` / `-c 1` where taskset exists), raw node:tls and localtls back to back,
 * order flipping each round, medians of same-round ratios; CPU per operation (user+sys) of each side.
 * Raw baseline: one SecureContext per process, native `ca` verification with the hostname (IP) check,
 * resumption by passing the last `session` by hand.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CertificateAuthority } from '../../src/ca/index.js';
import { isQuick, type Row, type Suite } from '../harness.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));
const PINNED = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

interface Side { ops: number; seconds: number; cpuUs: number; resumed: number; protocol: string }
interface Run { rate: number; serverCpuUsPerOp: number; clientCpuUsPerOp: number; resumed: number; ops: number; protocol: string }

function start(core: number, args: string[], env: NodeJS.ProcessEnv) {
  const cmd = PINNED ? 'taskset' : process.execPath;
  const argv = PINNED ? ['-c', String(core), process.execPath, CHILD, ...args] : [CHILD, ...args];
  const child = spawn(cmd, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  return { child, next };
}

async function once(impl: 'raw' | 'localtls', workload: string, ops: number, env: NodeJS.ProcessEnv): Promise<Run> {
  const server = start(0, ['server', impl, workload, '0', '0'], env);
  const { port } = await server.next() as { port: number };
  const client = start(1, ['client', impl, workload, String(ops), String(port)], env);
  const c = await client.next() as unknown as Side;
  server.child.stdin!.end();
  const { cpuUs } = await server.next() as { cpuUs: number };
  return { rate: c.ops / c.seconds, serverCpuUsPerOp: cpuUs / c.ops, clientCpuUsPerOp: c.cpuUs / c.ops, resumed: c.resumed, ops: c.ops, protocol: c.protocol };
}

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2; };

/** Rows of the process bench (full, resumed, verify hook); `Row.process` holds CPU per op of each side. */
export async function processRows(): Promise<Row[]> {
  const ca = await CertificateAuthority.create({ commonName: 'Bench CA' });
  const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
  const tls = identity.tlsOptions() as { cert: string | Buffer; key: string | Buffer };
  const env = { LT_BENCH_CHAIN: String(tls.cert), LT_BENCH_KEY: String(tls.key), LT_BENCH_CA: ca.certificate.toPEM() };
  const ops = isQuick() ? 5 : 400;
  const rounds = isQuick() ? 1 : 3;
  const rows: Row[] = [];
  const workloads = [['full', 'full TLS 1.3 P-256 handshakes, sequential (separate processes)'], ['resumed', 'resumed TLS 1.3 handshakes, sequential (separate processes)'], ['hook', 'full handshake + verify hook ctx.evaluate(basicX509) vs raw full (separate processes)']] as const;
  for (const [workload, name] of workloads) {
    const raw: Run[] = [];
    const ours: Run[] = [];
    for (let r = 0; r < rounds; r++) {
      const rawWorkload = workload === 'hook' ? 'full' : workload;
      if (r % 2 === 0) { raw.push(await once('raw', rawWorkload, ops, env)); ours.push(await once('localtls', workload, ops, env)); }
      else { ours.push(await once('localtls', workload, ops, env)); raw.push(await once('raw', rawWorkload, ops, env)); }
    }
    const ratio = median(ours.map((o, i) => o.rate / raw[i]!.rate));
    const cpu = (runs: Run[]) => ({ server: median(runs.map((x) => x.serverCpuUsPerOp)), client: median(runs.map((x) => x.clientCpuUsPerOp)) });
    rows.push({
      name: `${name}${PINNED ? ', pinned taskset -c 0/-c 1' : ', not pinned (no taskset)'}`, unit: 'hs/s',
      ours: median(ours.map((o) => o.rate)), baseline: median(raw.map((o) => o.rate)), baselineName: 'raw node:tls (one context, ca, session by hand)',
      ratio, higherIsBetter: true, samples: { ours: ours.map((o) => o.rate), baseline: raw.map((o) => o.rate) },
      process: {
        pinned: PINNED, workload, opsPerRound: ops, rounds,
        cpuUsPerOp: { raw: cpu(raw), localtls: cpu(ours) },
        resumed: { raw: raw.reduce((n, x) => n + x.resumed, 0), localtls: ours.reduce((n, x) => n + x.resumed, 0) },
        protocol: { raw: raw[0]!.protocol, localtls: ours[0]!.protocol },
      },
    });
  }
  return rows;
}

/** `npm run bench -- transport-process`. */
export const transportProcessSuite: Suite = { name: 'transport-process', run: processRows };
