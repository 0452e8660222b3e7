/**
 * We read what `openssl pkcs12 -export` writes (test/vectors/pkcs12, made by generate.sh):
 * every privacy and integrity mode, every key type, empty and non-ASCII passwords, a chain of three.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { Identity } from '../../src/identity/identity.js';
import { Certificate } from '../../src/cert/certificate.js';
import { decodePKCS12 } from '../../src/identity/pkcs12/decode.js';
import { inspectPKCS12 } from '../../src/identity/pkcs12/inspect.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { PASSWORD, UTF8_PASSWORD, vector, vectorText } from './pkcs12-vectors.js';

const LEAF = Certificate.from(vectorText('leaf-ec256.pem'));
const INTERMEDIATE = Certificate.from(vectorText('intermediate.pem'));
const ROOT = Certificate.from(vectorText('root.pem'));

function spkiOfPem(name: string): Uint8Array {
  return new Uint8Array(createPublicKey(vectorText(name)).export({ format: 'der', type: 'spki' }));
}

const CASES: { file: string; password?: string; encryption: RegExp; mac: string | undefined }[] = [
  { file: 'default.p12', encryption: /^PBES2 \(PBKDF2-hmacWithSHA256, aes-256-cbc\)$/, mac: 'HMAC-SHA-256' },
  { file: 'legacy.p12', encryption: /40BitRC2.*3-KeyTripleDES|3-KeyTripleDES.*40BitRC2/, mac: 'HMAC-SHA-1' },
  { file: 'aes128.p12', encryption: /aes-128-cbc/, mac: 'HMAC-SHA-256' },
  { file: 'pbes2-des3.p12', encryption: /PBES2 .*des-ede3-cbc/, mac: 'HMAC-SHA-256' },
  { file: 'pbe-3des.p12', encryption: /^pbeWithSHAAnd3-KeyTripleDES-CBC$/, mac: 'HMAC-SHA-1' },
  { file: 'pbe-2des.p12', encryption: /^pbeWithSHAAnd2-KeyTripleDES-CBC$/, mac: 'HMAC-SHA-1' },
  { file: 'rc2-40.p12', encryption: /^pbeWithSHAAnd40BitRC2-CBC$/, mac: 'HMAC-SHA-1' },
  { file: 'rc2-128.p12', encryption: /^pbeWithSHAAnd128BitRC2-CBC$/, mac: 'HMAC-SHA-1' },
  { file: 'none.p12', encryption: /^$/, mac: 'HMAC-SHA-256' },
  { file: 'nomac.p12', encryption: /aes-256-cbc/, mac: undefined },
  { file: 'nomac-none.p12', encryption: /^$/, mac: undefined },
  { file: 'nomac-legacy.p12', encryption: /TripleDES/, mac: undefined },
  { file: 'mac-sha256.p12', encryption: /RC2/, mac: 'HMAC-SHA-256' },
  { file: 'mac-sha512.p12', encryption: /aes-256/, mac: 'HMAC-SHA-512' },
  { file: 'mac-sha384-aes192.p12', encryption: /aes-192-cbc/, mac: 'HMAC-SHA-384' },
  { file: 'iter1.p12', encryption: /aes-256/, mac: 'HMAC-SHA-256' },
  { file: 'empty-password.p12', password: '', encryption: /aes-256/, mac: 'HMAC-SHA-256' },
  { file: 'empty-password-legacy.p12', password: '', encryption: /RC2/, mac: 'HMAC-SHA-1' },
  { file: 'utf8-password.p12', password: UTF8_PASSWORD, encryption: /aes-256/, mac: 'HMAC-SHA-256' },
];

for (const c of CASES) {
  test(`reads openssl's ${c.file}: key, leaf-first chain of three, friendlyName, integrity`, async () => {
    const decoded = await decodePKCS12(vector(c.file), c.password ?? PASSWORD);
    assert.equal(decoded.privateKey.algorithm, 'ecdsa-p256');
    assert.ok(decoded.certificate.equals(LEAF));
    assert.deepEqual(decoded.chain.map((x) => x.fingerprintSha256), [LEAF, INTERMEDIATE, ROOT].map((x) => x.fingerprintSha256));
    assert.deepEqual(decoded.extraCertificates, []);
    assert.equal(decoded.friendlyName, `vector ${c.file.replace('.p12', '')}`);
    assert.ok(decoded.localKeyId && decoded.localKeyId.length > 0, 'openssl writes a localKeyID');
    assert.match(decoded.encryption.join(', '), c.encryption);
    assert.equal(decoded.integrity.algorithm, c.mac);
    assert.equal(decoded.integrity.mode, c.mac ? 'password-mac' : 'none');
    assert.equal(decoded.integrity.verified, c.mac !== undefined);
    assert.deepEqual(decoded.privateKey.spki(), spkiOfPem('pub-ec256.pem'));
  });
}

test('every key type: RSA, EC P-384 and P-521, Ed25519 (also in a legacy file)', async () => {
  const expected: [string, string][] = [['rsa.p12', 'rsa-2048'], ['ec384.p12', 'ecdsa-p384'], ['ec521.p12', 'ecdsa-p521'], ['ed25519.p12', 'ed25519'], ['ed25519-legacy.p12', 'ed25519']];
  for (const [file, algorithm] of expected) {
    const identity = await Identity.fromPKCS12(vector(file), PASSWORD);
    assert.equal(identity.privateKey.algorithm, algorithm, file);
    assert.ok(identity.privateKey.matches(identity.certificate));
    assert.equal(identity.chain.length, 3);
    assert.equal(identity.friendlyName, `vector ${file.replace('.p12', '')}`);
  }
  assert.deepEqual((await decodePKCS12(vector('rsa.p12'), PASSWORD)).privateKey.spki(), spkiOfPem('pub-rsa.pem'));
});

test('Identity.fromPKCS12 returns a usable identity (leaf, chain, key)', async () => {
  const identity = await Identity.fromPKCS12(vector('legacy.p12'), PASSWORD);
  assert.ok(identity.certificate.equals(LEAF));
  assert.deepEqual(identity.chain.map((c) => c.commonName), ['listener-name.local', 'PKCS12 Vector Intermediate CA', 'PKCS12 Vector Root CA']);
  assert.equal(typeof identity.tlsOptions().key, 'string');
});

test('an absent password and an empty one both open a file written with an empty password', async () => {
  for (const file of ['empty-password.p12', 'empty-password-legacy.p12']) {
    assert.equal((await decodePKCS12(vector(file))).privateKey.algorithm, 'ecdsa-p256');
    assert.equal((await decodePKCS12(vector(file), '')).privateKey.algorithm, 'ecdsa-p256');
  }
});

test('wrong password is BAD_PASSWORD (MAC files, no-MAC files, PBES2 and PKCS#12 PBE), never MALFORMED', async () => {
  for (const file of ['default.p12', 'legacy.p12', 'nomac.p12', 'nomac-legacy.p12', 'rc2-40.p12', 'utf8-password.p12']) {
    const error = await rejectsWithCode(() => decodePKCS12(vector(file), 'not-the-password'), 'BAD_PASSWORD');
    assert.doesNotMatch(error.message, /not-the-password|localtls-test/, 'the password never appears in messages');
    await rejectsWithCode(() => decodePKCS12(vector(file)), 'BAD_PASSWORD');
  }
});

test('files without a key or with an unsupported key type', async () => {
  const noKey = await rejectsWithCode(() => decodePKCS12(vector('certs-only.p12'), PASSWORD), 'NO_KEY');
  assert.match(noKey.message, /found 3 certificate\(s\) and no key/);
  const x25519 = await rejectsWithCode(() => decodePKCS12(vector('x25519.p12'), PASSWORD), 'UNSUPPORTED_ALGORITHM');
  assert.match(x25519.message, /X25519 \(1\.3\.101\.110\)/);
});

test('inspectPKCS12 describes openssl files without a password', () => {
  const legacy = inspectPKCS12(vector('legacy.p12'));
  assert.equal(legacy.mac.algorithm, 'HMAC-SHA-1');
  assert.equal(legacy.mac.iterations, 2048);
  assert.equal(legacy.profile, 'other');
  assert.equal(legacy.nativeOpenSSL3, false);
  assert.equal(legacy.appleBefore18, true);
  assert.equal(legacy.contents[0]!.encryption, 'pbeWithSHAAnd40BitRC2-CBC');
  assert.equal(legacy.contents[1]!.bags![0]!.encryption, 'pbeWithSHAAnd3-KeyTripleDES-CBC');
  assert.ok(legacy.notes.some((n) => /legacy provider/.test(n)));

  const modern = inspectPKCS12(vector('default.p12'));
  assert.equal(modern.profile, 'modern');
  assert.equal(modern.nativeOpenSSL3, true);
  assert.equal(modern.appleBefore18, false);
  assert.ok(modern.notes.some((n) => /iOS < 18/.test(n)));

  const pbe3des = inspectPKCS12(vector('pbe-3des.p12'));
  assert.equal(pbe3des.profile, 'compatible');
  assert.equal(pbe3des.nativeOpenSSL3, true);
  assert.equal(pbe3des.appleBefore18, true);

  const nomac = inspectPKCS12(vector('nomac-none.p12'));
  assert.equal(nomac.mac.mode, 'none');
  assert.ok(nomac.notes.some((n) => /unencrypted/.test(n)));
  assert.equal(nomac.contents[0]!.bags!.filter((b) => b.type === 'certificate').length, 3);
});
