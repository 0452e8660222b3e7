/** Lock file (bounded wait, stale-lock recovery) and default paths (XDG, LOCALTLS_HOME). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireLock, withLock } from '../../src/store/lock.js';
import { localtlsHome, storePaths } from '../../src/store/paths.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('a busy lock → STORE_LOCKED after the bounded wait, naming the holder', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const lock = join(dir, '.lock');
  const release = await acquireLock(lock);
  const started = Date.now();
  const e = await rejectsWithCode(() => acquireLock(lock, { timeoutMs: 150 }), 'STORE_LOCKED');
  assert.ok(Date.now() - started >= 140);
  assert.match(e.message, new RegExp(`process ${process.pid}`));
  await release();
  await (await acquireLock(lock, { timeoutMs: 0 }))();
});

test('writers queue on the lock: 20 concurrent critical sections never overlap', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  let inside = 0;
  let max = 0;
  await Promise.all(Array.from({ length: 20 }, () => withLock(join(dir, '.lock'), async () => {
    max = Math.max(max, ++inside);
    await new Promise((r) => setTimeout(r, 2));
    inside--;
  })));
  assert.equal(max, 1);
});

test('stale locks are recovered: dead pid, too old, and empty-and-old', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const lock = join(dir, '.lock');
  await writeFile(lock, JSON.stringify({ pid: deadPid(), host: hostname(), createdAt: Date.now(), token: 'x' }));
  await (await acquireLock(lock, { timeoutMs: 0 }))();
  await writeFile(lock, JSON.stringify({ pid: process.pid, host: 'elsewhere', createdAt: Date.now() - 60_000, token: 'y' }));
  await (await acquireLock(lock, { timeoutMs: 0 }))();
  await writeFile(lock, '');
  await rejectsWithCode(() => acquireLock(lock, { timeoutMs: 0 }), 'STORE_LOCKED');
  const old = new Date(Date.now() - 10_000);
  await utimes(lock, old, old);
  await (await acquireLock(lock, { timeoutMs: 0 }))();
  // a live lock on another host is respected until it is old
  await writeFile(lock, JSON.stringify({ pid: 1, host: 'elsewhere', createdAt: Date.now(), token: 'z' }));
  await rejectsWithCode(() => acquireLock(lock, { timeoutMs: 50 }), 'STORE_LOCKED');
  assert.deepEqual((await readdir(dir)).filter((n) => n.includes('stale')), []);
});

test('localtlsHome: LOCALTLS_HOME, XDG_DATA_HOME, platform defaults; storePaths layout', () => {
  assert.equal(localtlsHome({ env: { LOCALTLS_HOME: '/srv/desk' }, home: '/home/ana' }), '/srv/desk');
  assert.equal(localtlsHome({ env: { XDG_DATA_HOME: '/x/data' }, platform: 'linux', home: '/home/ana' }), '/x/data/localtls');
  assert.equal(localtlsHome({ env: { XDG_DATA_HOME: 'relative' }, platform: 'linux', home: '/home/ana' }), '/home/ana/.local/share/localtls');
  assert.equal(localtlsHome({ env: {}, platform: 'darwin', home: '/Users/ana' }), '/Users/ana/Library/Application Support/localtls');
  assert.deepEqual(storePaths('/srv/desk'), { home: '/srv/desk', identities: '/srv/desk/identities', trust: '/srv/desk/trust', knownHosts: '/srv/desk/known_hosts.json' });
});

test('expiryWarning: a sentence within 30 days (or the given window), undefined otherwise', async () => {
  const { expiryWarning } = await import('../../src/store/expiry.js');
  const { testMaterial } = await import('./store-fixtures.js');
  const { a } = await testMaterial();
  const notAfter = a.certificate.notAfter.getTime();
  assert.equal(expiryWarning(a, { time: new Date(notAfter - 31 * 86_400_000) }), undefined);
  assert.match(expiryWarning(a, { time: new Date(notAfter - 29.5 * 86_400_000) })!, /expires on .* \(in 30 day\(s\)\)/);
  assert.match(expiryWarning(a.withFriendlyName('desk'), { time: new Date(notAfter + 1000) })!, /identity "desk" .* expired on/);
  assert.equal(expiryWarning(a, { withinDays: 10, time: new Date(notAfter - 20 * 86_400_000) }), undefined);
});
