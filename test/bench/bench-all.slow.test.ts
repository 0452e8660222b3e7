/**
 * Slow (LOCALTLS_SLOW=1 npm test): every registered suite runs in `--quick` mode and yields rows.
 * Speed is never asserted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url));

test('every bench suite runs in --quick mode', { timeout: 300_000 }, async () => {
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [RUN, '--quick', '--json'], { timeout: 290_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const report = JSON.parse(stdout) as { rows: { suite: string; ratio: number }[]; failures: unknown[] };
  assert.deepEqual(report.failures, []);
  for (const suite of ['ca', 'trust', 'pkcs12', 'transport']) assert.ok(report.rows.some((r) => r.suite === suite), `rows from ${suite}`);
});
