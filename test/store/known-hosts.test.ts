/** Known hosts / tofu(): first use records, same key passes, a new key fails, removal resets, CAs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KnownHosts } from '../../src/store/known-hosts.js';
import { tofu, type TofuVerifyContext } from '../../src/store/tofu.js';
import type { Identity } from '../../src/identity/identity.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { testMaterial } from './store-fixtures.js';

const ctx = (identity: Identity, host = 'listener-name.local', port = 4433): TofuVerifyContext => ({ peerCertificates: identity.chain, host, port });

test('TOFU: first use records, the same key passes, a new key fails with KNOWN_HOST_CHANGED, removal resets', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const file = join(dir, 'known_hosts.json');
  const verify = tofu({ file });
  assert.equal(await verify(ctx(a)), true);
  const known = await KnownHosts.open({ file });
  const [entry] = await known.list();
  assert.equal(entry!.host, 'listener-name.local');
  assert.equal(entry!.port, 4433);
  assert.equal(entry!.spkiSha256, a.certificate.spkiSha256.base64);
  assert.equal(await verify(ctx(a)), true);
  assert.equal(await verify(ctx(a, 'LISTENER-NAME.local.')), true, 'host names are compared case-insensitively');
  const error = await rejectsWithCode(() => verify(ctx(b)), 'KNOWN_HOST_CHANGED');
  assert.ok(error.message.includes(a.certificate.fingerprintSha256), 'shows the old fingerprint');
  assert.ok(error.message.includes(b.certificate.fingerprintSha256), 'shows the new fingerprint');
  assert.equal(error.details?.oldFingerprintSha256, a.certificate.fingerprintSha256);
  assert.equal(error.details?.newFingerprintSha256, b.certificate.fingerprintSha256);
  assert.match(error.hint ?? '', /remove\('listener-name\.local', 4433\)/);
  // another port is another entry
  assert.equal(await verify(ctx(b, 'listener-name.local', 8443)), true);
  assert.equal(await known.remove('listener-name.local', 4433), 1);
  assert.equal(await verify(ctx(b)), true, 'after removal the next connection is a first use again');
  assert.equal((await known.get('listener-name.local', 4433))?.spkiSha256, b.certificate.spkiSha256.base64);
  assert.equal(await known.remove('listener-name.local'), 2);
  await rejectsWithCode(() => known.remove('listener-name.local'), 'ITEM_NOT_FOUND');
});

test('approve is asked once on first use; refusing records nothing and returns false', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a } = await testMaterial();
  const file = join(dir, 'kh.json');
  const asked: string[] = [];
  let answer = false;
  const verify = tofu({ file, approve: async (info) => { asked.push(`${info.host}:${info.port} ${info.fingerprintSha256}`); return answer; } });
  assert.equal(await verify(ctx(a, '192.168.1.20')), false);
  assert.deepEqual(await (await KnownHosts.open({ file })).list(), []);
  answer = true;
  assert.equal(await verify(ctx(a, '192.168.1.20')), true);
  assert.equal(await verify(ctx(a, '192.168.1.20')), true);
  assert.deepEqual(asked, [`192.168.1.20:4433 ${a.certificate.fingerprintSha256}`, `192.168.1.20:4433 ${a.certificate.fingerprintSha256}`]);
  assert.equal(await verify({ peerCertificates: [], host: 'x.local', port: 1 }), false);
});

test('a recorded CA accepts a changed leaf key that chains to it; another CA does not', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b, ca, otherCa } = await testMaterial();
  const file = join(dir, 'kh.json');
  const verify = tofu({ file });
  const known = await KnownHosts.open({ file });
  assert.equal(await verify(ctx(a)), true);
  await rejectsWithCode(() => verify(ctx(b)), 'KNOWN_HOST_CHANGED');
  await rejectsWithCode(() => known.addAuthority(a.certificate), 'NOT_A_CA');
  const fp = await known.addAuthority(ca.certificate, { host: 'listener-name.local' });
  assert.equal(await verify(ctx(b)), true, 'leaf b is issued by the recorded CA');
  const stranger = await otherCa.issue({ hosts: ['listener-name.local'] });
  await rejectsWithCode(() => verify(ctx(stranger)), 'KNOWN_HOST_CHANGED');
  // scope: the CA recorded for listener-name.local does not cover another host
  assert.equal(await verify(ctx(a, 'other.local')), true);
  await rejectsWithCode(() => verify(ctx(b, 'other.local')), 'KNOWN_HOST_CHANGED');
  // an expired chain does not pass through the CA
  const late = tofu({ file, time: new Date(Date.now() + 5000 * 86_400_000) });
  await rejectsWithCode(() => late(ctx(b)), 'KNOWN_HOST_CHANGED');
  assert.deepEqual((await known.authorities()).map((x) => [x.fingerprintSha256, x.host]), [[fp, 'listener-name.local']]);
  await known.removeAuthority(fp);
  await rejectsWithCode(() => verify(ctx(b)), 'KNOWN_HOST_CHANGED');
  await rejectsWithCode(() => known.removeAuthority(fp), 'ITEM_NOT_FOUND');
});

test('concurrent first uses with different keys: exactly one is recorded, the other fails', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const file = join(dir, 'kh.json');
  const results = await Promise.allSettled([tofu({ file })(ctx(a)), tofu({ file })(ctx(b))]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  assert.equal(((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { code: string }).code, 'KNOWN_HOST_CHANGED');
});

test('a corrupt known-hosts file → CORRUPT_ITEM (fails closed); a world-writable one → INSECURE_PERMISSIONS', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a } = await testMaterial();
  const file = join(dir, 'kh.json');
  await tofu({ file })(ctx(a));
  const saved = await readFile(file, 'utf8');
  await writeFile(file, '{"format":"localtls-known-hosts"');
  await rejectsWithCode(() => tofu({ file })(ctx(a)), 'CORRUPT_ITEM');
  await writeFile(file, saved);
  if (process.platform !== 'win32') {
    await chmod(file, 0o666);
    await rejectsWithCode(() => tofu({ file })(ctx(a)), 'INSECURE_PERMISSIONS');
    assert.equal(await tofu({ file, allowInsecurePermissions: true })(ctx(a)), true);
  }
  assert.throws(() => tofu({ file, aprove: () => true } as never), { code: 'INVALID_OPTION' });
});
