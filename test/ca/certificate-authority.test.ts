import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority, MAX_LEAF_VALIDITY_DAYS } from '../../src/index.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const DAY = 86_400_000;
const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });

test('issued leaves follow the leaf profile; serials are 128-bit random and positive', async () => {
  const a = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
  const b = await ca.issue({ hosts: ['listener-name.local'] });
  assert.notEqual(a.certificate.serialNumber, b.certificate.serialNumber);
  assert.equal(a.certificate.serialNumber.length, 32);
  assert.ok(parseInt(a.certificate.serialNumber[0]!, 16) < 8, 'positive: top bit clear');
  assert.equal(a.certificate.isCA, false);
  assert.deepEqual(a.certificate.extendedKeyUsage, ['serverAuth']);
  assert.equal(a.certificate.signatureAlgorithm, 'ecdsa-with-SHA256');
  const ext = (oid: string) => a.certificate.extensions.find((e) => e.oid === oid);
  assert.equal(ext('2.5.29.19')?.critical, true, 'basicConstraints critical');
  assert.equal(ext('2.5.29.15')?.critical, true, 'keyUsage critical');
  assert.ok(ext('2.5.29.14') && ext('2.5.29.35'), 'SKI and AKI present');
  const rsa = await ca.issue({ hosts: ['till.local'], keyAlgorithm: 'rsa-2048', clientAuth: true });
  assert.deepEqual(rsa.certificate.keyUsage, ['digitalSignature', 'keyEncipherment']);
  assert.deepEqual(rsa.certificate.extendedKeyUsage, ['serverAuth', 'clientAuth']);
  const device = await ca.issue({ commonName: 'tablet-3', clientAuth: true, serverAuth: false });
  assert.deepEqual(device.certificate.extendedKeyUsage, ['clientAuth']);
  assert.equal(device.certificate.subject, 'CN=tablet-3');
});

test('a P-384 CA signs with SHA-384', async () => {
  const ca384 = await CertificateAuthority.create({ commonName: 'P-384 CA', keyAlgorithm: 'ecdsa-p384' });
  assert.equal(ca384.certificate.signatureAlgorithm, 'ecdsa-with-SHA384');
  assert.equal((await ca384.issue({ hosts: ['a.local'] })).certificate.signatureAlgorithm, 'ecdsa-with-SHA384');
});

test('validity: backdated for skew, default 397 days, capped at 825 and at the CA expiry', async () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const leaf = (await ca.issue({ hosts: ['a.local'], now })).certificate;
  assert.ok(leaf.notBefore < now && now.getTime() - leaf.notBefore.getTime() <= 3_600_000);
  assert.equal(Math.round((leaf.notAfter.getTime() - leaf.notBefore.getTime()) / DAY), 397);
  const long = (await ca.issue({ hosts: ['a.local'], validityDays: 3000, now })).certificate;
  assert.equal(Math.round((long.notAfter.getTime() - long.notBefore.getTime()) / DAY), MAX_LEAF_VALIDITY_DAYS);
  const shortCa = await CertificateAuthority.create({ commonName: 'Short CA', validityDays: 30, now });
  const capped = (await shortCa.issue({ hosts: ['a.local'], now })).certificate;
  assert.equal(capped.notAfter.getTime(), shortCa.certificate.notAfter.getTime());
  assert.equal(Math.round((ca.certificate.notAfter.getTime() - ca.certificate.notBefore.getTime()) / DAY), 3650);
});

test('bad options give ConfigErrors naming the option', async () => {
  await rejectsWithCode(() => CertificateAuthority.create({} as never), 'INVALID_OPTION');
  await rejectsWithCode(() => CertificateAuthority.create({ commonName: 'x', keyAlgorithm: 'dsa' as never }), 'INVALID_OPTION');
  await rejectsWithCode(() => CertificateAuthority.create({ commonName: 'x', nameConstraints: 'public' as never }), 'INVALID_OPTION');
  await rejectsWithCode(() => CertificateAuthority.create({ commonName: 'x', colour: 'red' } as never), 'INVALID_OPTION');
  await rejectsWithCode(() => ca.issue({ hosts: [] }), 'INVALID_OPTION');
  await rejectsWithCode(() => ca.issue({ hosts: ['bad host'] }), 'INVALID_HOST');
  await rejectsWithCode(() => ca.issue({ hosts: ['a.local'], validityDays: 0 }), 'INVALID_OPTION');
  await rejectsWithCode(() => ca.issue({ hosts: ['a.local'], serverAuth: false }), 'INVALID_OPTION');
  await rejectsWithCode(() => ca.issue({ serverAuth: false, clientAuth: true }), 'INVALID_OPTION');
});

test('save/load round trip: same CA, key encrypted and 0600, written without leftovers; wrong passphrase is BAD_PASSWORD', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const home = join(dir, 'ca');
    await ca.save(home, { passphrase: 'front desk secret' });
    const keyText = await readFile(join(home, 'ca-key.pem'), 'utf8');
    assert.match(keyText, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.equal((await stat(join(home, 'ca-key.pem'))).mode & 0o777, 0o600);
    assert.equal((await stat(home)).mode & 0o777, 0o700);
    assert.deepEqual((await readdir(home)).sort(), ['ca-key.pem', 'ca.pem']);
    const loaded = await CertificateAuthority.load(home, { passphrase: 'front desk secret' });
    assert.ok(loaded.certificate.equals(ca.certificate));
    const leaf = await loaded.issue({ hosts: ['after-load.local'] });
    assert.equal(leaf.certificate.authorityKeyIdentifier, ca.certificate.subjectKeyIdentifier);
    const wrong = await rejectsWithCode(() => CertificateAuthority.load(home, { passphrase: 'nope' }), 'BAD_PASSWORD');
    assert.doesNotMatch(wrong.message, /nope|front desk secret/);
    await rejectsWithCode(() => CertificateAuthority.load(join(dir, 'missing'), { passphrase: 'x' }), 'IO_ERROR');
    await writeFile(join(home, 'ca.pem'), 'garbage');
    await rejectsWithCode(() => CertificateAuthority.load(home, { passphrase: 'front desk secret' }), 'MALFORMED');
  } finally {
    await cleanup();
  }
});

test("a 'local'-constrained CA refuses public names and addresses, allows local ones", async () => {
  const local = await CertificateAuthority.create({ commonName: 'Local Only CA', nameConstraints: 'local' });
  const error = await rejectsWithCode(() => local.issue({ hosts: ['example.com'] }), 'NAME_NOT_PERMITTED');
  assert.match(error.message, /example\.com is not under any permitted DNS suffix/);
  await rejectsWithCode(() => local.issue({ hosts: ['listener-name.local', '8.8.8.8'] }), 'NAME_NOT_PERMITTED');
  await rejectsWithCode(() => local.issue({ hosts: ['2001:db8::1'] }), 'NAME_NOT_PERMITTED');
  await rejectsWithCode(() => local.issue({ hosts: ['evil-local'] }), 'NAME_NOT_PERMITTED');
  await rejectsWithCode(() => local.issue({ hosts: ['notlocal'] }), 'NAME_NOT_PERMITTED');
  for (const host of ['listener-name.local', 'hub.home.arpa', 'printer.internal', 'till.lan', '192.168.1.20', '10.1.2.3', '172.16.0.9', '127.0.0.1', '::1', 'fd00::5', 'fe80::1']) {
    await local.issue({ hosts: [host] });
  }
  const nc = local.certificate.nameConstraints!;
  assert.deepEqual(nc.permitted.filter((s) => s.type === 'dns').map((s) => s.value), ['local', 'home.arpa', 'internal', 'lan']);
  const custom = await CertificateAuthority.create({ commonName: 'Shop CA', nameConstraints: { permitted: { dns: ['shop.local'] }, excluded: { dns: ['admin.shop.local'] } } });
  await custom.issue({ hosts: ['till.shop.local'] });
  await rejectsWithCode(() => custom.issue({ hosts: ['admin.shop.local'] }), 'NAME_NOT_PERMITTED');
  await rejectsWithCode(() => CertificateAuthority.create({ commonName: 'x', nameConstraints: { permitted: { ip: ['10.0.0.0/33'] } } }), 'INVALID_OPTION');
});
