/**
 * `npm run bench [-- --json] [-- --quick] [-- suite-name ...]`: runs every registered suite (or the
 * named ones) and prints one table with the machine it ran on. Ratios > 1 mean localtls is better
 * than the baseline measured in the same run (faster; or lower, for latencies and memory).
 *
 * - `--json`: one JSON document on stdout (machine, command, rows with per-round samples).
 * - `--quick`: every row, fewer rounds and iterations: a smoke run (tests use it), not figures to quote.
 * - suite names: run only those (ca, trust, pkcs12, transport-process, transport, http, workers).
 *
 * Never a pass/fail test: the exit code says whether every suite ran, not how fast.
 */
import { availableParallelism, cpus, platform, release, totalmem } from 'node:os';
import { configure, printTable, type Row, type Suite } from './harness.js';
import { caSuite } from './suites/ca.js';
import { trustSuite } from './suites/trust.js';
import { pkcs12Suite } from './suites/pkcs12.js';
import { transportSuite } from './suites/transport.js';
import { httpSuite } from './suites/http.js';
import { transportProcessSuite } from './process/suite.js';
import { workersSuite } from './suites/workers.js';

/** Every suite, in the order they run. A new suite is added here. */
const suites: Suite[] = [caSuite, trustSuite, pkcs12Suite, transportProcessSuite, transportSuite, httpSuite, workersSuite];

const USAGE = `usage: npm run bench -- [--json] [--quick] [suite ...]\nsuites: ${suites.map((s) => s.name).join(', ')}`;

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const wanted = args.filter((a) => !a.startsWith('--'));
const unknownFlags = [...flags].filter((f) => !['--json', '--quick', '--help'].includes(f));
const unknownSuites = wanted.filter((w) => !suites.some((s) => s.name === w));
if (flags.has('--help')) {
  console.log(USAGE);
  process.exit(0);
}
if (unknownFlags.length > 0 || unknownSuites.length > 0) {
  console.error(`unknown ${unknownFlags.length > 0 ? `option ${unknownFlags.join(' ')}` : `suite ${unknownSuites.join(' ')}`}\n${USAGE}`);
  process.exit(2);
}
const json = flags.has('--json');
const quick = flags.has('--quick');
configure({ quick });

const machine = {
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpus: availableParallelism(),
  cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
};
const command = `npm run bench${args.length > 0 ? ` -- ${args.join(' ')}` : ''}`;
const started = new Date();
const rows: Row[] = [];
const failures: { suite: string; error: string }[] = [];
for (const suite of suites) {
  if (wanted.length > 0 && !wanted.includes(suite.name)) continue;
  const t0 = process.hrtime.bigint();
  if (!json) process.stderr.write(`running ${suite.name}${quick ? ' (quick)' : ''} ... `);
  try {
    for (const row of await suite.run()) rows.push({ suite: suite.name, ...row });
    if (!json) process.stderr.write(`${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
  } catch (error) {
    const text = error instanceof Error ? error.stack ?? error.message : String(error);
    failures.push({ suite: suite.name, error: text });
    if (!json) process.stderr.write(`failed\n${text}\n`);
  }
}

if (json) {
  console.log(JSON.stringify({ command, quick, date: started.toISOString(), machine, rows, failures }, null, 2));
} else {
  console.log(`\n${command}${quick ? '  (quick: smoke run, figures not meaningful)' : ''}`);
  console.log(`${started.toISOString()} · Node ${machine.node} · ${machine.platform} · ${machine.cpus} CPUs (${machine.cpuModel}) · ${machine.memoryGiB} GiB`);
  console.log('ratio > 1: localtls is better than the baseline (faster, or lower for latencies and memory); medians of interleaved rounds\n');
  console.log(printTable(rows));
  for (const row of rows.filter((r) => r.process)) {
    const p = row.process!;
    const f = (n: number) => (n < 10 ? n.toFixed(2) : Math.round(n).toLocaleString('en'));
    console.log(`CPU µs per ${p.opUnit ?? 'handshake'} server/client, ${p.workload}: raw ${f(p.cpuUsPerOp.raw.server)}/${f(p.cpuUsPerOp.raw.client)} → localtls ${f(p.cpuUsPerOp.localtls.server)}/${f(p.cpuUsPerOp.localtls.client)}${p.sysUsPerOp ? ` (of which kernel: raw ${f(p.sysUsPerOp.raw.server)}/${f(p.sysUsPerOp.raw.client)} → localtls ${f(p.sysUsPerOp.localtls.server)}/${f(p.sysUsPerOp.localtls.client)})` : ''}; resumed raw ${p.resumed.raw}, localtls ${p.resumed.localtls}; ${p.protocol.localtls}; suites raw ${p.cipher.raw}, localtls ${p.cipher.localtls}`);
  }
  const full = rows.find((r) => r.process?.workload === 'full');
  const resumed = rows.find((r) => r.process?.workload === 'resumed');
  if (full && resumed) {
    // What resumption buys each side, from the same run: resumed rate over full rate.
    console.log(`resumed/full handshake rate: raw ${(resumed.baseline / full.baseline).toFixed(2)}×, localtls ${(resumed.ours / full.ours).toFixed(2)}×`);
  }
  for (const f of failures) console.log(`\nsuite ${f.suite} failed: ${f.error.split('\n')[0]}`);
}
// Suites close what they open; exit explicitly so a stray handle cannot keep a finished run alive.
process.exit(failures.length > 0 ? 1 : 0);
