/**
 * The benchmark harness runs (never a speed test): `--quick` prints the machine line and a table
 * with both medians and a ratio column; `--json` gives rows with suite, ratio and samples; unknown
 * suites are a usage error. The figures themselves are never asserted on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUN, ...args], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

test('npm run bench -- --quick prints the machine and a table with ratio columns', { timeout: 130_000 }, async () => {
  const { code, stdout, stderr } = await bench(['--quick', 'trust', 'pkcs12']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /npm run bench -- --quick trust pkcs12/);
  assert.match(stdout, /Node v\d+\.\d+\.\d+ · .* · \d+ CPUs/);
  assert.match(stdout, /^\| suite \| benchmark \| unit \| localtls \| baseline \| baseline is \| ratio \|$/m);
  const rows = stdout.split('\n').filter((l) => /^\| (trust|pkcs12) \|/.test(l));
  assert.ok(rows.length >= 6, `expected rows from both suites:\n${stdout}`);
  for (const row of rows) assert.match(row, /\| [\d.]+× \|$/, `every row ends with a ratio: ${row}`);
  assert.ok(rows.some((r) => r.includes('raw') || r.includes('native') || r.includes('X509Certificate')), 'rows name their baseline');
});

test('--json gives machine, command and rows with suite, medians, ratio and samples', { timeout: 130_000 }, async () => {
  const { code, stdout, stderr } = await bench(['--quick', '--json', 'trust']);
  assert.equal(code, 0, stderr);
  const report = JSON.parse(stdout) as {
    command: string; quick: boolean; machine: { node: string; cpus: number }; failures: unknown[];
    rows: { suite: string; name: string; unit: string; ours: number; baseline: number; ratio: number; baselineName: string; samples?: { ours: number[] } }[];
  };
  assert.equal(report.quick, true);
  assert.equal(report.machine.node, process.version);
  assert.ok(report.machine.cpus >= 1);
  assert.deepEqual(report.failures, []);
  assert.ok(report.rows.length > 0);
  for (const row of report.rows) {
    assert.equal(row.suite, 'trust');
    assert.ok(Number.isFinite(row.ours) && Number.isFinite(row.baseline) && Number.isFinite(row.ratio), JSON.stringify(row));
    assert.ok(row.baselineName.length > 0);
  }
  assert.ok(report.rows.some((r) => (r.samples?.ours.length ?? 0) >= 2), 'compare() rows carry their per-round samples');
});

test('an unknown suite is a usage error listing the suites', async () => {
  const { code, stderr } = await bench(['no-such-suite']);
  assert.equal(code, 2);
  assert.match(stderr, /suites: ca, trust, pkcs12, transport/);
});
