/** IdentityStore: add/get/list/delete/replace/expiring, codes, permissions, corruption, at-rest format. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityStore } from '../../src/store/identity-store.js';
import { TEMP_PREFIX } from '../../src/internal/atomic-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { PASSPHRASE, TEST_KDF, testMaterial } from './store-fixtures.js';

const open = (dir: string, extra: Record<string, unknown> = {}) => IdentityStore.open({ dir, passphrase: PASSPHRASE, kdf: TEST_KDF, ...extra });
const itemFiles = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.item')).map((n) => join(dir, n));

/** A store in a fresh temp directory (removed after the test) holding identity A under 'desk'. */
async function storeWithDesk(t: TestContext): Promise<{ dir: string; store: IdentityStore }> {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const store = await open(dir);
  await store.add((await testMaterial()).a, { label: 'desk' });
  return { dir, store };
}

test('add, get, list, has and delete by label; the identity round-trips', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const store = await open(join(dir, 'ids'));
  const info = await store.add(a, { label: 'front-desk' });
  assert.equal(info.label, 'front-desk');
  assert.equal(info.fingerprintSha256, a.certificate.fingerprintSha256);
  await store.add(b, { label: 'kitchen printer ✓' });
  const got = await store.get('front-desk');
  assert.equal(got.certificate.fingerprintSha256, a.certificate.fingerprintSha256);
  assert.equal(got.privateKey.toPEM(), a.privateKey.toPEM());
  assert.equal(got.friendlyName, 'front-desk');
  assert.equal(got.chain.length, a.chain.length);
  const list = await store.list();
  assert.deepEqual(list.map((i) => i.label), ['front-desk', 'kitchen printer ✓']);
  assert.deepEqual(list[0]!.hosts, ['listener-name.local', '192.168.1.20']);
  assert.ok(list[0]!.notAfter instanceof Date);
  assert.equal(list[0]!.spkiSha256, a.certificate.spkiSha256.base64);
  assert.ok(!JSON.stringify(list).includes('PRIVATE KEY'));
  assert.equal(await store.has('front-desk'), true);
  await store.delete('front-desk');
  assert.equal(await store.has('front-desk'), false);
  assert.deepEqual((await store.list()).map((i) => i.label), ['kitchen printer ✓']);
  // a second instance (another process, in effect) sees the same items
  const again = await open(join(dir, 'ids'));
  assert.equal((await again.get('kitchen printer ✓')).certificate.fingerprintSha256, b.certificate.fingerprintSha256);
});

test('duplicate label → DUPLICATE_ITEM; replace and { replace: true } overwrite; missing label → ITEM_NOT_FOUND', async (t) => {
  const { store } = await storeWithDesk(t);
  const { a, b } = await testMaterial();
  const dup = await rejectsWithCode(() => store.add(b, { label: 'desk' }), 'DUPLICATE_ITEM');
  assert.match(dup.message, /"desk"/);
  assert.equal((await store.get('desk')).certificate.fingerprintSha256, a.certificate.fingerprintSha256);
  await store.replace('desk', b);
  assert.equal((await store.get('desk')).certificate.fingerprintSha256, b.certificate.fingerprintSha256);
  await store.add(a, { label: 'desk', replace: true });
  assert.equal((await store.get('desk')).certificate.fingerprintSha256, a.certificate.fingerprintSha256);
  const missing = await rejectsWithCode(() => store.get('nope'), 'ITEM_NOT_FOUND');
  assert.match(missing.message, /expected an item labelled "nope"; found only "desk"/);
  await rejectsWithCode(() => store.replace('nope', a), 'ITEM_NOT_FOUND');
  await rejectsWithCode(() => store.delete('nope'), 'ITEM_NOT_FOUND');
  await rejectsWithCode(() => store.add(a, { label: '' }), 'INVALID_OPTION');
  await rejectsWithCode(() => store.add(a, { label: 'a\nb' }), 'INVALID_OPTION');
  await rejectsWithCode(() => store.add(a, { label: 'x', replcae: true } as never), 'INVALID_OPTION');
});

test('wrong passphrase → BAD_PASSWORD, and the passphrase never appears in errors', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a } = await testMaterial();
  await (await open(dir)).add(a, { label: 'desk' });
  const error = await rejectsWithCode(() => IdentityStore.open({ dir, passphrase: 'hunter2-wrong' }), 'BAD_PASSWORD');
  assert.ok(!error.message.includes('hunter2') && !String(error.hint).includes('hunter2'));
  assert.ok(!JSON.stringify(error.details ?? {}).includes('hunter2'));
  await rejectsWithCode(() => IdentityStore.open({ dir, passphrase: '' }), 'INVALID_OPTION');
});

test('a corrupt or tampered item → CORRUPT_ITEM naming it; the other items stay readable', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const store = await open(dir);
  await store.add(a, { label: 'good' });
  await store.add(b, { label: 'flipped' });
  await store.add(b, { label: 'header' });
  await store.add(b, { label: 'truncated' });
  const fileOf = async (label: string) => {
    for (const f of await itemFiles(dir)) if (JSON.parse(JSON.parse(await readFile(f, 'utf8')).header).label === label) return f;
    throw new Error(label);
  };
  // flip one ciphertext bit
  const flipped = await fileOf('flipped');
  const env = JSON.parse(await readFile(flipped, 'utf8'));
  const ct = Buffer.from(env.ciphertext, 'base64'); ct[10]! ^= 1; env.ciphertext = ct.toString('base64');
  await writeFile(flipped, JSON.stringify(env));
  // change the public header (authenticated as GCM additional data)
  const header = await fileOf('header');
  await writeFile(header, (await readFile(header, 'utf8')).replace('listener-name.local', 'evil-name.local'));
  // truncate
  const truncated = await fileOf('truncated');
  await writeFile(truncated, (await readFile(truncated, 'utf8')).slice(0, 100));

  const e1 = await rejectsWithCode(() => store.get('flipped'), 'CORRUPT_ITEM');
  assert.match(e1.message, /"flipped"/);
  assert.ok(e1.message.includes(flipped));
  await rejectsWithCode(() => store.get('header'), 'CORRUPT_ITEM');
  const e3 = await rejectsWithCode(() => store.get('truncated'), 'CORRUPT_ITEM');
  assert.match(e3.message, /"truncated"/);
  assert.equal((await store.get('good')).certificate.fingerprintSha256, a.certificate.fingerprintSha256);
  assert.deepEqual((await store.list()).map((i) => i.label), ['good']);
  const problems = await store.check();
  assert.equal(problems.length, 3);
  assert.ok(problems.every((p) => p.error.code === 'CORRUPT_ITEM'));
  // the correct passphrase still opens the store (corruption is not a wrong password) and reopen works
  await open(dir);
  await store.delete('flipped');
  assert.equal((await store.check()).length, 2);
});

test('an item sealed by another store (another passphrase) is CORRUPT_ITEM, not BAD_PASSWORD', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a } = await testMaterial();
  const one = await open(join(dir, 'one'));
  const two = await IdentityStore.open({ dir: join(dir, 'two'), passphrase: 'another', kdf: TEST_KDF });
  await two.add(a, { label: 'moved' });
  const [file] = await itemFiles(join(dir, 'two'));
  await writeFile(join(dir, 'one', file!.split('/').pop()!), await readFile(file!), { mode: 0o600 });
  await rejectsWithCode(() => one.get('moved'), 'CORRUPT_ITEM');
});

test('permissions: dir and files 0700/0600; group/other access → INSECURE_PERMISSIONS unless opted out', { skip: process.platform === 'win32' }, async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a } = await testMaterial();
  const storeDir = join(dir, 'nested', 'ids');
  const store = await open(storeDir);
  await store.add(a, { label: 'desk' });
  assert.equal((await stat(storeDir)).mode & 0o777, 0o700);
  for (const f of await readdir(storeDir)) {
    if (f !== '.lock') assert.equal((await stat(join(storeDir, f))).mode & 0o777, 0o600, f);
  }
  await chmod(storeDir, 0o755);
  const e = await rejectsWithCode(() => open(storeDir), 'INSECURE_PERMISSIONS');
  assert.match(e.message, /mode 0755\); expected 0700/);
  await open(storeDir, { allowInsecurePermissions: true });
  await chmod(storeDir, 0o700);
  const [item] = await itemFiles(storeDir);
  await chmod(item!, 0o640);
  await rejectsWithCode(() => store.get('desk'), 'INSECURE_PERMISSIONS');
  assert.equal((await store.check())[0]?.error.code, 'INSECURE_PERMISSIONS');
  const lax = await open(storeDir, { allowInsecurePermissions: true });
  assert.equal((await lax.get('desk')).certificate.fingerprintSha256, a.certificate.fingerprintSha256);
  await chmod(item!, 0o600);
  await chmod(join(storeDir, 'store.json'), 0o644);
  await rejectsWithCode(() => open(storeDir), 'INSECURE_PERMISSIONS');
});

test('open removes stale temp files; a missing store.json next to items is CORRUPT_ITEM', async (t) => {
  const { dir } = await storeWithDesk(t);
  await writeFile(join(dir, `${TEMP_PREFIX}abc.item-123456`), 'half', { mode: 0o600 });
  await open(dir);
  assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith(TEMP_PREFIX)), []);
  await writeFile(join(dir, 'store.json'), '{ not json', { mode: 0o600 });
  const e = await rejectsWithCode(() => open(dir), 'CORRUPT_ITEM');
  assert.match(e.message, /store\.json/);
  const { unlink } = await import('node:fs/promises');
  await unlink(join(dir, 'store.json'));
  await rejectsWithCode(() => open(dir), 'CORRUPT_ITEM');
});

test('expiring({ within }) lists identities close to notAfter, soonest first', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca } = await testMaterial();
  const store = await open(dir);
  await store.add(await ca.issue({ hosts: ['short.local'], validityDays: 10 }), { label: 'short' });
  await store.add(await ca.issue({ hosts: ['long.local'], validityDays: 300 }), { label: 'long' });
  assert.deepEqual((await store.expiring()).map((i) => i.label), ['short']);
  assert.deepEqual((await store.expiring({ within: 5 })).map((i) => i.label), []);
  assert.deepEqual((await store.expiring({ within: 400 })).map((i) => i.label), ['short', 'long']);
  assert.deepEqual((await store.expiring({ within: 0, time: new Date(Date.now() + 20 * 86_400_000) })).map((i) => i.label), ['short']);
  await assert.rejects(() => store.expiring({ within: -1 }), { code: 'INVALID_OPTION' });
});

test('get is cached per file version and sees replacements made by other instances', async (t) => {
  const { dir, store } = await storeWithDesk(t);
  const { b } = await testMaterial();
  const first = await store.get('desk');
  assert.equal(await store.get('desk'), first);
  const started = performance.now();
  for (let i = 0; i < 200; i++) await store.get('desk');
  assert.ok(performance.now() - started < 2000, 'cached get should be cheap');
  await (await open(dir)).replace('desk', b);
  assert.equal((await store.get('desk')).certificate.fingerprintSha256, b.certificate.fingerprintSha256);
});

test('the default KDF is scrypt N=2^17 and is recorded in store.json; bad kdf options are refused', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { DEFAULT_KDF } = await import('../../src/store/item-crypto.js');
  assert.deepEqual({ ...DEFAULT_KDF }, { N: 131072, r: 8, p: 1 });
  await open(dir);
  const manifest = JSON.parse(await readFile(join(dir, 'store.json'), 'utf8'));
  assert.equal(manifest.kdf.name, 'scrypt');
  assert.equal(manifest.kdf.N, 1024);
  assert.ok(!JSON.stringify(manifest).includes(PASSPHRASE));
  await rejectsWithCode(() => IdentityStore.open({ dir: join(dir, 'x'), passphrase: 'p', kdf: { N: 1000 } }), 'INVALID_OPTION');
  await rejectsWithCode(() => IdentityStore.open({ dir: join(dir, 'y'), passphrase: 'p', kdf: { N: 2 ** 21 } }), 'INVALID_OPTION');
});
