/**
 * Issue 14.3: known-hosts keys are canonical, so a host recorded under one spelling is known under
 * every other (IPv6 compressed, names lower case without a trailing dot), and files written with
 * the old, non-canonical keys are migrated when read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KnownHosts } from '../../src/store/known-hosts.js';
import { tofu } from '../../src/store/tofu.js';
import { checkEndpoint } from '../../src/store/host-endpoint.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { testMaterial } from './store-fixtures.js';

test('14.3 one host, many spellings: recorded as ::1, known as 0:0:0:0:0:0:0:1 and [::1]; names in any case, with a trailing dot', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const file = join(dir, 'known_hosts.json');
  const asked: string[] = [];
  const verify = tofu({ file, approve: ({ host }) => { asked.push(host); return true; } });
  const known = await KnownHosts.open({ file });

  assert.equal(await verify({ peerCertificates: a.chain, host: '::1', port: 4433 }), true);
  for (const host of ['0:0:0:0:0:0:0:1', '[0000:0000::0001]', '::0:1', '[::1]']) {
    assert.equal((await known.check(host, 4433, a.chain)).status, 'known', host);
    assert.equal(await verify({ peerCertificates: a.chain, host, port: 4433 }), true, host);
  }
  assert.equal((await known.check('0:0:0:0:0:0:0:1', 4433, b.chain)).status, 'changed', 'another key at the same address is a change, not a new host');

  assert.equal(await verify({ peerCertificates: a.chain, host: 'Desk.LOCAL.', port: 4433 }), true);
  for (const host of ['desk.local', 'DESK.local', 'desk.local.']) assert.equal((await known.check(host, 4433, a.chain)).status, 'known', host);

  assert.deepEqual(asked, ['::1', 'Desk.LOCAL.'], 'approval was asked once per host, not once per spelling');
  assert.deepEqual((await known.list()).map((h) => h.host), ['::1', 'desk.local']);
  assert.equal((await known.get('0:0:0:0:0:0:0:1', 4433))?.host, '::1');
  assert.equal(await known.remove('0:0:0:0:0:0:0:1', 4433), 1);
  await known.addAuthority((await testMaterial()).ca.certificate, { host: 'FE80:0:0:0:0:0:0:1' });
  assert.equal((await known.authorities())[0]?.host, 'fe80::1');
});

test('14.3 the canonical form is the one certificate matching uses (shared with hostToSan)', () => {
  assert.deepEqual(checkEndpoint('0:0:0:0:0:0:0:1', 1), { host: '::1', port: 1 });
  assert.deepEqual(checkEndpoint('[2001:DB8:0:0:1:0:0:1]', 1), { host: '2001:db8::1:0:0:1', port: 1 });
  assert.deepEqual(checkEndpoint(' Listener-Name.local. ', 2), { host: 'listener-name.local', port: 2 });
  assert.deepEqual(checkEndpoint('bücher.local', 3), { host: 'xn--bcher-kva.local', port: 3 });
  assert.deepEqual(checkEndpoint('My_Printer.', 4), { host: 'my_printer', port: 4 }, 'a host that is no DNS name is still trimmed and lower-cased');
});

test('14.3 a file written with non-canonical hosts is migrated on read; duplicates keep the first use', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b, ca } = await testMaterial();
  const file = join(dir, 'known_hosts.json');
  const entry = (host: string, identity: typeof a, addedAt: string) => ({
    host, port: 4433, spkiSha256: identity.certificate.spkiSha256.base64, fingerprintSha256: identity.certificate.fingerprintSha256, subject: identity.certificate.subject, addedAt,
  });
  // As an older version wrote it: the host exactly as dialed (only lower-cased).
  const old = {
    format: 'localtls-known-hosts', version: 1,
    hosts: [entry('0:0:0:0:0:0:0:1', b, '2026-02-01T00:00:00.000Z'), entry('::1', a, '2026-01-01T00:00:00.000Z'), entry('2001:db8:0:0:0:0:0:2', a, '2026-01-01T00:00:00.000Z')],
    authorities: [{ host: '2001:db8:0:0:0:0:0:2', pem: ca.certificate.toPEM(), addedAt: '2026-01-01T00:00:00.000Z' }],
  };
  await writeFile(file, JSON.stringify(old), { mode: 0o600 });
  const known = await KnownHosts.open({ file });
  assert.deepEqual((await known.list()).map((h) => [h.host, h.spkiSha256]), [['2001:db8::2', a.certificate.spkiSha256.base64], ['::1', a.certificate.spkiSha256.base64]]);
  assert.equal((await known.check('::1', 4433, a.chain)).status, 'known', 'the earlier of two entries for one address is kept');
  assert.equal((await known.check('2001:db8::2', 4433, a.chain)).status, 'known');
  assert.equal((await known.authorities())[0]?.host, '2001:db8::2');
  const renewed = await ca.issue({ hosts: ['2001:db8::2'] });
  assert.equal((await known.check('2001:DB8::2', 4433, renewed.chain)).status, 'authority', 'the authority scope was migrated too');
  // The next write stores the canonical form.
  await known.record('printer.local', 4433, a.certificate);
  const written = JSON.parse(await readFile(file, 'utf8')) as typeof old;
  assert.deepEqual(written.hosts.map((h) => h.host).sort(), ['2001:db8::2', '::1', 'printer.local']);
  assert.equal(written.authorities[0]?.host, '2001:db8::2');
});
