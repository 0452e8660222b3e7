/** TrustStore: CA-only add (NOT_A_CA otherwise), list, remove, bundle, permissions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TrustStore } from '../../src/store/trust-store.js';
import { Certificate } from '../../src/cert/certificate.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { testMaterial } from './store-fixtures.js';

test('add returns the fingerprint; list, bundle and remove; adding twice is a no-op', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca, otherCa } = await testMaterial();
  const trust = await TrustStore.open({ dir });
  assert.equal(await trust.bundle(), '');
  const fp = await trust.add(ca.certificate);
  assert.equal(fp, ca.certificate.fingerprintSha256);
  assert.equal(await trust.add(ca.certificate.toPEM()), fp);
  await trust.add(otherCa.certificate.toDER());
  const list = await trust.list();
  assert.deepEqual(list.map((r) => r.subject).sort(), [ca.certificate.subject, otherCa.certificate.subject].sort());
  const bundle = await trust.bundle();
  assert.deepEqual(Certificate.fromPEMBundle(bundle).map((c) => c.fingerprintSha256).sort(), [fp, otherCa.certificate.fingerprintSha256].sort());
  await trust.remove(fp.replace(/:/g, '').toLowerCase());
  assert.deepEqual((await trust.certificates()).map((c) => c.fingerprintSha256), [otherCa.certificate.fingerprintSha256]);
  await rejectsWithCode(() => trust.remove(fp), 'ITEM_NOT_FOUND');
  await rejectsWithCode(() => trust.remove('not-a-fingerprint'), 'INVALID_OPTION');
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  for (const f of (await readdir(dir)).filter((n) => n.endsWith('.pem'))) assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600);
});

test('a leaf certificate → NOT_A_CA; a damaged file is skipped, never trusted', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, ca } = await testMaterial();
  const trust = await TrustStore.open({ dir });
  const e = await rejectsWithCode(() => trust.add(a.certificate), 'NOT_A_CA');
  assert.match(e.message, /expected a CA certificate/);
  assert.ok(e.hint);
  await trust.add(ca.certificate);
  // a leaf dropped in under a CA-looking name, and garbage, are not listed
  await writeFile(join(dir, `${a.certificate.fingerprintSha256.replace(/:/g, '').toLowerCase()}.pem`), a.certificate.toPEM(), { mode: 0o600 });
  await writeFile(join(dir, `${'0'.repeat(64)}.pem`), 'garbage', { mode: 0o600 });
  assert.deepEqual((await trust.list()).map((r) => r.fingerprintSha256), [ca.certificate.fingerprintSha256]);
});

test('a group/other-writable trust directory → INSECURE_PERMISSIONS unless opted out', { skip: process.platform === 'win32' }, async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  await TrustStore.open({ dir });
  await chmod(dir, 0o777);
  await rejectsWithCode(() => TrustStore.open({ dir }), 'INSECURE_PERMISSIONS');
  await TrustStore.open({ dir, allowInsecurePermissions: true });
  await chmod(dir, 0o755); // readable is fine for public roots
  await TrustStore.open({ dir });
});

test('installedRootsSync reads the installed roots, re-reading only after a change; missing dir → none', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { installedRootsSync } = await import('../../src/store/trust-store.js');
  const { ca, otherCa } = await testMaterial();
  assert.deepEqual(installedRootsSync({ dir: join(dir, 'missing') }), []);
  const trust = await TrustStore.open({ dir });
  assert.deepEqual(installedRootsSync({ dir }), []);
  await trust.add(ca.certificate);
  assert.deepEqual(installedRootsSync({ dir }).map((c) => c.fingerprintSha256), [ca.certificate.fingerprintSha256]);
  const past = new Date(Date.now() - 60_000);
  await utimes(dir, past, past);
  const first = installedRootsSync({ dir });
  assert.equal(installedRootsSync({ dir }), first, 'cached while the directory is unchanged');
  await trust.add(otherCa.certificate);
  await trust.remove(ca.certificate.fingerprintSha256);
  assert.deepEqual(installedRootsSync({ dir }).map((c) => c.fingerprintSha256), [otherCa.certificate.fingerprintSha256]);
  if (process.platform !== 'win32') {
    await chmod(dir, 0o777);
    // Looked at again within a second (not on every call: connect() asks on every connection).
    await new Promise((r) => setTimeout(r, 1_100));
    assert.throws(() => installedRootsSync({ dir }), { code: 'INSECURE_PERMISSIONS' });
    assert.equal(installedRootsSync({ dir, allowInsecurePermissions: true }).length, 1);
  }
});

test('installedRootsSync() for the default directory: a new LOCALTLS_HOME counts at once, and so do an add and a remove in this process', async (t) => {
  const { installedRootsSync } = await import('../../src/store/trust-store.js');
  const { ca } = await testMaterial();
  const home = await makeTempDir();
  const other = await makeTempDir();
  const saved = process.env.LOCALTLS_HOME;
  t.after(async () => {
    if (saved === undefined) delete process.env.LOCALTLS_HOME; else process.env.LOCALTLS_HOME = saved;
    await home.cleanup();
    await other.cleanup();
  });
  process.env.LOCALTLS_HOME = home.dir;
  const trust = await TrustStore.open();
  assert.deepEqual(installedRootsSync(), []);
  await trust.add(ca.certificate);
  assert.deepEqual(installedRootsSync().map((c) => c.fingerprintSha256), [ca.certificate.fingerprintSha256], 'an add counts at once');
  process.env.LOCALTLS_HOME = other.dir;
  assert.deepEqual(installedRootsSync(), [], 'another LOCALTLS_HOME counts at once (within the recheck window)');
  process.env.LOCALTLS_HOME = home.dir;
  assert.equal(installedRootsSync().length, 1, 'and back');
  await trust.remove(ca.certificate.fingerprintSha256);
  assert.deepEqual(installedRootsSync(), [], 'a remove counts at once');
});
