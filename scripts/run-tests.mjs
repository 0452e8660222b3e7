#!/usr/bin/env node
// Runs every compiled test file under dist/test with Node's own test runner.
// Usage: node scripts/run-tests.mjs [filter-substring ...]
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const slow = process.env.LOCALTLS_SLOW === '1';
const files = collect('dist/test')
  .filter((f) => slow ? f.includes('.slow.') : !f.includes('.slow.'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
console.log(`running ${files.length} test files on Node ${process.version}`);
// mDNS in tests: loopback only, unless a test (the network-namespace ones) says otherwise.
// Stores in tests: a fresh LOCALTLS_HOME for the run, never the user's own.
const home = mkdtempSync(join(tmpdir(), 'localtls-test-home-'));
const env = { ...process.env, LOCALTLS_MDNS_INTERFACES: process.env.LOCALTLS_MDNS_INTERFACES ?? '127.0.0.1', LOCALTLS_HOME: home };
// Slow files measure time (load, benchmarks, a TLS scanner): one at a time, so they do not skew each other.
const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${slow ? 1 : 2}`, '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env,
});
rmSync(home, { recursive: true, force: true });
process.exit(result.status ?? 1);
