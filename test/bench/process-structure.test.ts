/**
 * The process bench (separate server and client processes) produces every row with both sides
 * measured, TLS 1.3, resumed rows really resumed, bulk/echo/idle rows complete — a structure check on a
 * tiny run, never timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkProcessReport } from '../../bench/process/check.js';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

test('npm run bench -- --quick --json transport-process: rows present, both sides measured, versions right, resumed rows resumed, bulk/echo/idle rows complete', { timeout: 170_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--quick', '--json', 'transport-process'], { timeout: 160_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const report = JSON.parse(stdout);
  assert.deepEqual(checkProcessReport(report), []);
});

test('the structure check notices a resumed row that did not resume, a side not measured, kernel time missing and a suite not reported', () => {
  const side = { server: 1, client: 1 };
  const kernel = { server: 0.5, client: 0.5 };
  const row = (workload: string, resumed: number) => ({
    name: workload, unit: 'hs/s', ours: 1, baseline: 1, baselineName: 'raw', ratio: 1,
    process: { pinned: false, workload, opsPerRound: 5, rounds: 1, cpuUsPerOp: { raw: side, localtls: { server: 0, client: 1 } }, sysUsPerOp: { raw: kernel, localtls: { server: 0, client: 2 } }, resumed: { raw: resumed, localtls: resumed }, protocol: { raw: 'TLSv1.3', localtls: 'TLSv1.3' }, cipher: { raw: 'TLS_AES_256_GCM_SHA384', localtls: '' } },
  });
  const problems = checkProcessReport({ rows: [row('full', 0), row('resumed', 0)] });
  assert.ok(problems.includes('row hook missing'));
  assert.ok(problems.includes('row bulk missing'));
  assert.ok(problems.includes('row echo-p99 missing'));
  assert.ok(problems.includes('row idle-rss missing'));
  assert.ok(problems.some((p) => p.startsWith('resumed: raw resumed 0')));
  assert.ok(problems.some((p) => p === 'full: localtls server CPU per op not measured'));
  assert.ok(problems.includes('full: localtls cipher suite not reported (found "")'));
  // kernel time above the whole CPU time is not a measurement; 0 is (a run too short to see it)
  assert.ok(problems.includes('full: localtls client kernel CPU per op not measured (found 2)'));
  assert.ok(!problems.some((p) => p.startsWith('full: raw') || p.startsWith('full: localtls server kernel')));
  assert.ok(!problems.some((p) => p.startsWith('full: raw cipher')));
});

test('the structure check notices a bulk transfer cut short, echo samples missing and idle connections not held', () => {
  const side = { server: 1, client: 1 };
  const row = (workload: string, raw: Record<string, number>, localtls: Record<string, number>) => ({
    name: workload, unit: 'x', ours: 1, baseline: 1, baselineName: 'raw', ratio: 1,
    process: { pinned: false, workload, opsPerRound: 4, rounds: 1, cpuUsPerOp: { raw: side, localtls: side }, sysUsPerOp: { raw: side, localtls: side }, resumed: { raw: 0, localtls: 0 }, protocol: { raw: 'TLSv1.3', localtls: 'TLSv1.3' }, cipher: { raw: 'TLS_AES_256_GCM_SHA384', localtls: 'TLS_AES_128_GCM_SHA256' }, detail: { raw, localtls } },
  });
  const MiB = 1024 * 1024;
  const echo = { samples: 4, p50Us: 10, p99Us: 20 };
  const idle = { connections: 4, rssDelta: 1, heapDelta: 1 };
  const problems = checkProcessReport({
    rows: [
      row('bulk', { bytes: 4 * MiB }, { bytes: 3 * MiB }),
      row('echo-p50', echo, { ...echo, samples: 3 }), row('echo-p99', echo, echo),
      row('idle-rss', idle, { ...idle, connections: 2 }), row('idle-heap', idle, idle),
    ],
  });
  assert.ok(problems.includes(`bulk: localtls received ${3 * MiB} bytes, expected ${4 * MiB}`));
  assert.ok(problems.includes('echo-p50: localtls took 3 samples, expected 4'));
  assert.ok(problems.includes('idle-rss: localtls server held 2 connections, expected 4'));
  assert.ok(!problems.some((p) => p.startsWith('bulk: raw') || p.startsWith('echo-p99') || p.startsWith('idle-heap')));
});
