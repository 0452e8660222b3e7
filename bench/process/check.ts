/**
 * Structure check of `npm run bench -- --json transport-process` output (never a speed check):
 * every process row present, both sides measured (CPU per op > 0 for raw and localtls, server and
 * client), TLS 1.3 on both, resumed rows really resumed (every op after the first, both sides) and
 * full rows never resumed. Returns the problems found (empty: fine).
 * Usage: `node dist/bench/process/check.js < report.json`.
 * @example `checkProcessReport(JSON.parse(stdout))` → `[]`
 */
import type { Row } from '../harness.js';

export const PROCESS_WORKLOADS = ['full', 'resumed', 'hook'] as const;

export function checkProcessReport(report: { rows?: Row[]; failures?: unknown[] }): string[] {
  const problems: string[] = [];
  if (report.failures && report.failures.length > 0) problems.push(`failures: ${JSON.stringify(report.failures)}`);
  const rows = (report.rows ?? []).filter((r) => r.process);
  for (const workload of PROCESS_WORKLOADS) {
    const row = rows.find((r) => r.process!.workload === workload);
    if (!row) { problems.push(`row ${workload} missing`); continue; }
    const p = row.process!;
    if (!(row.ours > 0 && row.baseline > 0 && Number.isFinite(row.ratio))) problems.push(`${workload}: rates not measured`);
    for (const impl of ['raw', 'localtls'] as const) {
      for (const side of ['server', 'client'] as const) {
        if (!(p.cpuUsPerOp[impl][side] > 0)) problems.push(`${workload}: ${impl} ${side} CPU per op not measured`);
      }
      if (p.protocol[impl] !== 'TLSv1.3') problems.push(`${workload}: ${impl} negotiated ${p.protocol[impl]}, expected TLSv1.3`);
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
