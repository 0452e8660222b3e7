/**
 * Structure check of `npm run bench -- --json transport-process` output (never a speed check):
 * every process row present, both sides measured (figures and CPU per op > 0 for raw and localtls,
 * server and client), TLS 1.3 on both, resumed rows really resumed (every op after the first, both
 * sides) and every other row never resumed; bulk rows received every byte, echo rows took every
 * sample, sends rows made every send, idle rows held every connection open on the server while it measured.
 * Returns the problems found (empty: fine).
 * Usage: `node dist/bench/process/check.js < report.json`.
 * @example `checkProcessReport(JSON.parse(stdout))` → `[]`
 */
import type { Row } from '../harness.js';

/** Every row id the process bench must produce (Row.process.workload). */
export const PROCESS_WORKLOADS = ['full', 'resumed', 'hook', 'bulk', 'echo-p50', 'echo-p99', 'sends', 'idle-rss', 'idle-heap'] as const;

const MiB = 1024 * 1024;

/** What each stream row's `detail` must show, for each side: the workload really ran. */
function checkDetail(workload: string, impl: string, opsPerRound: number, d: Record<string, number> | undefined): string[] {
  const problems: string[] = [];
  const has = (k: string) => d !== undefined && typeof d[k] === 'number' && Number.isFinite(d[k]);
  if (workload === 'bulk' && !(has('bytes') && d!.bytes! >= opsPerRound * MiB)) problems.push(`bulk: ${impl} received ${d?.bytes} bytes, expected ${opsPerRound * MiB}`);
  if (workload.startsWith('echo')) {
    if (!(has('samples') && d!.samples === opsPerRound)) problems.push(`${workload}: ${impl} took ${d?.samples} samples, expected ${opsPerRound}`);
    if (!(has('p50Us') && has('p99Us') && d!.p50Us! > 0 && d!.p99Us! >= d!.p50Us!)) problems.push(`${workload}: ${impl} latency percentiles not measured`);
  }
  if (workload === 'sends' && !(has('sends') && d!.sends === opsPerRound)) problems.push(`sends: ${impl} made ${d?.sends} sends, expected ${opsPerRound}`);
  if (workload.startsWith('idle')) {
    if (!(has('connections') && d!.connections === opsPerRound)) problems.push(`${workload}: ${impl} server held ${d?.connections} connections, expected ${opsPerRound}`);
    if (!(has('rssDelta') && has('heapDelta'))) problems.push(`${workload}: ${impl} server memory not measured`);
  }
  return problems;
}

/** The problems found in a `--json` report of the process bench (empty: fine). @example `checkProcessReport(report)` → `[]` */
export function checkProcessReport(report: { rows?: Row[]; failures?: unknown[] }): string[] {
  const problems: string[] = [];
  if (report.failures && report.failures.length > 0) problems.push(`failures: ${JSON.stringify(report.failures)}`);
  const rows = (report.rows ?? []).filter((r) => r.process);
  for (const workload of PROCESS_WORKLOADS) {
    const row = rows.find((r) => r.process!.workload === workload);
    if (!row) { problems.push(`row ${workload} missing`); continue; }
    const p = row.process!;
    // Memory growth may be ~0 on a tiny run; it must be a number, and the ratio defined.
    const measured = workload.startsWith('idle') ? Number.isFinite(row.ours) && Number.isFinite(row.baseline) : row.ours > 0 && row.baseline > 0;
    if (!(measured && Number.isFinite(row.ratio))) problems.push(`${workload}: figures not measured`);
    for (const impl of ['raw', 'localtls'] as const) {
      for (const side of ['server', 'client'] as const) {
        if (!(p.cpuUsPerOp[impl][side] > 0)) problems.push(`${workload}: ${impl} ${side} CPU per op not measured`);
        const sys = p.sysUsPerOp?.[impl][side];
        if (!(typeof sys === 'number' && sys >= 0 && sys <= p.cpuUsPerOp[impl][side])) problems.push(`${workload}: ${impl} ${side} kernel CPU per op not measured (found ${JSON.stringify(sys)})`);
      }
      if (p.protocol[impl] !== 'TLSv1.3') problems.push(`${workload}: ${impl} negotiated ${p.protocol[impl]}, expected TLSv1.3`);
      if (!/^TLS_[A-Z0-9_]+$/.test(p.cipher?.[impl] ?? '')) problems.push(`${workload}: ${impl} cipher suite not reported (found ${JSON.stringify(p.cipher?.[impl])})`);
      if (['bulk', 'echo-p50', 'echo-p99', 'sends', 'idle-rss', 'idle-heap'].includes(workload)) problems.push(...checkDetail(workload, impl, p.opsPerRound, p.detail?.[impl]));
    }
    const expectResumed = (p.opsPerRound - 1) * p.rounds;
    if (workload === 'resumed') {
      if (p.resumed.raw < expectResumed) problems.push(`resumed: raw resumed ${p.resumed.raw} of ${expectResumed}`);
      if (p.resumed.localtls < expectResumed) problems.push(`resumed: localtls resumed ${p.resumed.localtls} of ${expectResumed}`);
    } else if (p.resumed.raw !== 0 || p.resumed.localtls !== 0) problems.push(`${workload}: full handshakes were resumed`);
  }
  return problems;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (d: string) => { text += d; });
  process.stdin.on('end', () => {
    const problems = checkProcessReport(JSON.parse(text) as { rows?: Row[] });
    for (const p of problems) console.error(p);
    process.exit(problems.length === 0 ? 0 : 1);
  });
}
