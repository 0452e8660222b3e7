/**
 * Our files: round trips for both profiles and every key type; OpenSSL 3 (`openssl pkcs12 -info`
 * without -legacy) and Node (`tls.createSecureContext({ pfx })`) read both profiles; localKeyID on
 * key and certificate; key matching, extras, PBMAC1, option validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecureContext } from 'node:tls';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority } from '../../src/ca/index.js';
import { Identity } from '../../src/identity/identity.js';
import type { KeyAlgorithm } from '../../src/identity/key-algorithm.js';
import { decodePKCS12 } from '../../src/identity/pkcs12/decode.js';
import { encodePKCS12, encodePKCS12Parts } from '../../src/identity/pkcs12/encode.js';
import { inspectPKCS12 } from '../../src/identity/pkcs12/inspect.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { openssl } from '../helpers/openssl.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ca = await CertificateAuthority.create({ commonName: 'PKCS12 Round Trip CA' });
const ALGORITHMS: KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'ed25519'];
const identities = new Map<KeyAlgorithm, Identity>();
for (const keyAlgorithm of ALGORITHMS) identities.set(keyAlgorithm, await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'], keyAlgorithm }));
const p256 = identities.get('ecdsa-p256')!;

for (const profile of ['compatible', 'modern'] as const) {
  test(`round trip, profile '${profile}', every key type`, async () => {
    for (const [algorithm, identity] of identities) {
      const p12 = await identity.toPKCS12('s3cret', { profile });
      const back = await Identity.fromPKCS12(p12, 's3cret');
      assert.equal(back.privateKey.algorithm, algorithm);
      assert.deepEqual(back.privateKey.toPKCS8(), identity.privateKey.toPKCS8());
      assert.deepEqual(back.chain.map((c) => c.fingerprintSha256), identity.chain.map((c) => c.fingerprintSha256));
      assert.equal(back.friendlyName, 'listener-name.local');
      const info = inspectPKCS12(p12);
      assert.equal(info.profile, profile, `${algorithm}: inspect recognises the profile`);
      assert.equal(info.nativeOpenSSL3, true);
      assert.equal(info.appleBefore18, profile === 'compatible');
      assert.equal(info.mac.iterations, 2048);
      const keyBag = info.contents.flatMap((c) => c.bags ?? []).find((b) => b.type === 'encrypted key')!;
      assert.ok(keyBag.localKeyId, 'the key bag carries a localKeyID');
      assert.equal(keyBag.friendlyName, 'listener-name.local');
    }
  });

  test(`profile '${profile}': Node's tls.createSecureContext({ pfx, passphrase }) loads it`, async () => {
    for (const identity of identities.values()) {
      const pfx = Buffer.from(await identity.toPKCS12('s3cret', { profile }));
      assert.doesNotThrow(() => createSecureContext({ pfx, passphrase: 's3cret' }));
      assert.throws(() => createSecureContext({ pfx, passphrase: 'wrong' }));
    }
  });

  test(`profile '${profile}': openssl pkcs12 -info (no -legacy) reads it, localKeyID on key and certificate`, async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const file = join(dir, 'id.p12');
      await writeFile(file, await p256.toPKCS12('s3cret', { profile, friendlyName: 'Front desk', iterations: 4096 }));
      const nokeys = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', 'pass:s3cret']);
      assert.equal(nokeys.code, 0, nokeys.stderr);
      assert.equal((nokeys.stdout.match(/BEGIN CERTIFICATE/g) ?? []).length, 2, 'leaf and CA certificate');
      assert.match(nokeys.stderr, profile === 'compatible' ? /MAC: sha1, Iteration 4096/ : /MAC: sha256, Iteration 4096/);
      assert.match(nokeys.stderr, profile === 'compatible' ? /pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 4096/ : /PBES2, PBKDF2, AES-256-CBC, Iteration 4096, PRF hmacWithSHA256/);
      const full = await openssl(['pkcs12', '-info', '-nodes', '-in', file, '-passin', 'pass:s3cret']);
      assert.equal(full.code, 0, full.stderr);
      const ids = [...full.stdout.matchAll(/localKeyID: ([0-9A-F ]+)/g)].map((m) => m[1]!.trim());
      assert.equal(ids.length, 2, 'one localKeyID on the key, one on its certificate');
      assert.equal(ids[0], ids[1]);
      assert.equal((full.stdout.match(/friendlyName: Front desk/g) ?? []).length, 2);
      assert.match(full.stdout, /BEGIN PRIVATE KEY/);
      const bad = await openssl(['pkcs12', '-info', '-nokeys', '-in', file, '-passin', 'pass:wrong']);
      assert.notEqual(bad.code, 0);
    } finally {
      await cleanup();
    }
  });
}

test('non-ASCII passwords round-trip in both profiles', async () => {
  for (const profile of ['compatible', 'modern'] as const) {
    const p12 = await p256.toPKCS12('Grüße-日本-🔑', { profile });
    assert.equal((await Identity.fromPKCS12(p12, 'Grüße-日本-🔑')).privateKey.algorithm, 'ecdsa-p256');
    await rejectsWithCode(() => Identity.fromPKCS12(p12, 'Grusse'), 'BAD_PASSWORD');
  }
});

test('key matching: localKeyID first, else public key; extras kept; mismatches refused', async () => {
  const other = identities.get('ecdsa-p384')!;
  const key = p256.privateKey.toPKCS8();
  const [leaf, root] = p256.chain;
  const base = { profile: 'compatible' as const, password: 'pw', iterations: 2048 };

  // No localKeyID anywhere, root listed first, an unrelated certificate: matched by public key.
  const noIds = await encodePKCS12Parts({ ...base, keyPkcs8: key, keyAttributes: {}, certificates: [{ der: root!.der }, { der: other.certificate.der }, { der: leaf!.der }] });
  const decoded = await decodePKCS12(noIds, 'pw');
  assert.ok(decoded.certificate.equals(leaf!));
  assert.deepEqual(decoded.chain.map((c) => c.subject), [leaf!.subject, root!.subject]);
  assert.deepEqual(decoded.extraCertificates.map((c) => c.fingerprintSha256), [other.certificate.fingerprintSha256]);
  assert.equal(decoded.friendlyName, undefined);

  // localKeyID points at a certificate with another public key: KEY_MISMATCH.
  const id = Uint8Array.of(1, 2, 3);
  const wrongId = await encodePKCS12Parts({ ...base, keyPkcs8: key, keyAttributes: { localKeyId: id }, certificates: [{ der: other.certificate.der, localKeyId: id }] });
  const e1 = await rejectsWithCode(() => decodePKCS12(wrongId, 'pw'), 'KEY_MISMATCH');
  assert.match(e1.message, /localKeyID/);
  // No certificate for the key at all.
  const noMatch = await encodePKCS12Parts({ ...base, keyPkcs8: key, keyAttributes: {}, certificates: [{ der: other.certificate.der }] });
  await rejectsWithCode(() => decodePKCS12(noMatch, 'pw'), 'KEY_MISMATCH');
  // No certificate.
  const noCert = await encodePKCS12Parts({ ...base, keyPkcs8: key, keyAttributes: {}, certificates: [] });
  await rejectsWithCode(() => decodePKCS12(noCert, 'pw'), 'NO_CERTIFICATE');
});

test('PBMAC1 (RFC 9579) integrity is verified; a flipped MAC byte is BAD_PASSWORD', async () => {
  const parts = { keyPkcs8: p256.privateKey.toPKCS8(), keyAttributes: {}, certificates: p256.chain.map((c) => ({ der: c.der })), profile: 'modern' as const, password: 'pw', iterations: 2048, mac: 'pbmac1' as const };
  const p12 = await encodePKCS12Parts(parts);
  const decoded = await decodePKCS12(p12, 'pw');
  assert.equal(decoded.integrity.mode, 'pbmac1');
  assert.equal(decoded.integrity.algorithm, 'PBMAC1 (PBKDF2-hmacWithSHA256, hmacWithSHA256)');
  const info = inspectPKCS12(p12);
  assert.equal(info.mac.mode, 'pbmac1');
  assert.equal(info.nativeOpenSSL3, false);
  await rejectsWithCode(() => decodePKCS12(p12, 'wrong'), 'BAD_PASSWORD');
  // The MAC value sits just before "NOT USED" salt; flip its last byte.
  const tampered = new Uint8Array(p12);
  const marker = Buffer.from(tampered).indexOf(Buffer.from('NOT USED'));
  tampered[marker - 3]! ^= 1;
  await rejectsWithCode(() => decodePKCS12(tampered, 'pw'), 'BAD_PASSWORD');
});

test('toPKCS12 validates its arguments by name', async () => {
  const e1 = await rejectsWithCode(() => p256.toPKCS12(''), 'INVALID_OPTION');
  assert.match(e1.message, /password: expected a non-empty string/);
  const e2 = await rejectsWithCode(() => p256.toPKCS12('pw', { profile: 'legacy' as never }), 'INVALID_OPTION');
  assert.match(e2.message, /profile: expected one of 'compatible', 'modern'; found "legacy"/);
  await rejectsWithCode(() => p256.toPKCS12('pw', { iterations: 1000 }), 'INVALID_OPTION');
  await rejectsWithCode(() => p256.toPKCS12('pw', { friendlyName: '' }), 'INVALID_OPTION');
  await rejectsWithCode(() => p256.toPKCS12('pw', { profil: 'modern' } as never), 'INVALID_OPTION');
  await rejectsWithCode(() => encodePKCS12({} as never, 'pw'), 'INVALID_OPTION');
  await rejectsWithCode(() => Identity.fromPKCS12('not bytes' as never, 'pw'), 'INVALID_OPTION');
  await rejectsWithCode(() => Identity.fromPKCS12(new Uint8Array(10), 'pw', { maxIterations: 0 }), 'INVALID_OPTION');
  await rejectsWithCode(() => Identity.fromPKCS12(new Uint8Array(10), 42 as never), 'INVALID_OPTION');
});
