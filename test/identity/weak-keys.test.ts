/**
 * Issue 14.6: reading is not using. PKCS#12 files with 1024-bit RSA keys written by openssl
 * (default and -legacy) import; a file with a key and no certificate says NO_CERTIFICATE;
 * lintCertificate and inspectPKCS12 flag the weak key; the places that *use* a key —
 * createListener / setIdentity, connect's client identity, CA issuance — refuse it with WEAK_KEY
 * (one policy, identity/key-strength.ts), unless localtls/danger's allowWeakKey names the holder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { decodePKCS12 } from '../../src/identity/pkcs12/decode.js';
import { inspectPKCS12 } from '../../src/identity/pkcs12/inspect.js';
import { Identity } from '../../src/identity/identity.js';
import { PrivateKey } from '../../src/identity/private-key.js';
import { keyWeakness } from '../../src/identity/key-strength.js';
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import { buildCertificate, simpleName } from '../../src/ca/certificate-builder.js';
import { caProfile } from '../../src/ca/certificate-profile.js';
import { createSigningRequest } from '../../src/ca/signing-request.js';
import { lintCertificate } from '../../src/ca/lint.js';
import { connect, createListener } from '../../src/index.js';
import { allowWeakKey } from '../../src/danger/index.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/assert-error.js';
import { PASSWORD, vector } from './pkcs12-vectors.js';

const DAY = 86_400_000;
const weakKey = () => PrivateKey.fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);

/** A root CA whose own key is 1024-bit RSA (as an old tool would have made it). */
async function weakCa(): Promise<CertificateAuthority> {
  const key = weakKey();
  const name = simpleName('Old Printer CA');
  const cert = await buildCertificate({
    subject: name, issuer: name, subjectSpki: key.spki(), issuerSpki: key.spki(), signingKey: key,
    notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 365 * DAY), profile: caProfile(0),
  });
  return CertificateAuthority.fromParts(cert, key);
}

test('14.6 openssl files with a 1024-bit RSA key import (default and -legacy algorithms)', async () => {
  for (const name of ['rsa1024.p12', 'rsa1024-legacy.p12', 'rsa1024-clear.p12']) {
    const decoded = await decodePKCS12(vector(name), PASSWORD);
    assert.equal(decoded.privateKey.algorithm, 'rsa-1024', name);
    assert.equal(decoded.certificate.subject, 'CN=legacy-printer.local', name);
    assert.ok(decoded.privateKey.matches(decoded.certificate), name);
  }
  const identity = await Identity.fromPKCS12(vector('rsa1024-legacy.p12'), PASSWORD);
  assert.equal(keyWeakness(identity.privateKey.keyObject()), 'a 1024-bit RSA key');
  // And back out: the identity can be written again (moving it is not using it).
  assert.equal((await Identity.fromPKCS12(await identity.toPKCS12('again'), 'again')).privateKey.algorithm, 'rsa-1024');
});

test('14.6 a file with a key and no certificate is NO_CERTIFICATE, not a key-policy code', async () => {
  const error = await rejectsWithCode(() => decodePKCS12(vector('rsa1024-nocert.p12'), PASSWORD), 'NO_CERTIFICATE');
  assert.match(error.message, /found 1 key\(s\) and no certificate/);
  // An unusable key type with certificates is still UNSUPPORTED_ALGORITHM, after the certificates were found.
  await rejectsWithCode(() => decodePKCS12(vector('x25519.p12'), PASSWORD), 'UNSUPPORTED_ALGORITHM');
});

test('14.6 lintCertificate and inspectPKCS12 flag the weak key', async () => {
  const identity = await Identity.fromPKCS12(vector('rsa1024.p12'), PASSWORD);
  const lint = lintCertificate(identity.certificate).find((f) => f.code === 'WEAK_RSA_KEY');
  assert.equal(lint?.severity, 'error');
  assert.match(lint!.message, /1024-bit RSA key/);
  const clear = inspectPKCS12(vector('rsa1024-clear.p12'));
  const bags = clear.contents.flatMap((c) => c.bags ?? []);
  assert.deepEqual(bags.map((b) => [b.type, b.weakKey]).sort(), [['certificate', 'a 1024-bit RSA key'], ['key', 'a 1024-bit RSA key']]);
  assert.ok(clear.notes.some((n) => /1024-bit RSA key: localtls reads it, but refuses to use it \(WEAK_KEY\)/.test(n)), clear.notes.join('\n'));
  const strong = inspectPKCS12(vector('none.p12'));
  assert.ok(strong.contents.flatMap((c) => c.bags ?? []).every((b) => b.weakKey === undefined));
});

test('14.6 createListener, setIdentity and connect refuse a weak identity with WEAK_KEY; allowWeakKey lets it through', async (t) => {
  const weak = await Identity.fromPKCS12(vector('rsa1024.p12'), PASSWORD);
  const listening = throwsWithCode(() => createListener({ identity: weak, port: 0, host: '127.0.0.1' }), 'WEAK_KEY');
  assert.match(listening.message, /identity \(the listener's key\): expected RSA of at least 2048 bits, EC on P-256, P-384 or P-521, or Ed25519; found a 1024-bit RSA key/);
  assert.match(listening.hint ?? '', /allowWeakKey/);
  const client = throwsWithCode(() => connect('legacy-printer.local', 4433, { identity: weak, lookup: () => ['127.0.0.1'] }), 'WEAK_KEY');
  assert.match(client.message, /client certificate's key/);

  const strong = await (await CertificateAuthority.create({ commonName: 'Desk CA' })).issue({ hosts: ['desk.local'] });
  const listener = createListener({ identity: strong, port: 0, host: '127.0.0.1' });
  t.after(() => listener.cancel({ force: true }));
  throwsWithCode(() => listener.setIdentity(weak), 'WEAK_KEY');

  // Allowed by name: the identity, or only its key.
  const allowed = allowWeakKey(await Identity.fromPKCS12(vector('rsa1024-legacy.p12'), PASSWORD));
  // (Node 24's OpenSSL, at security level 2, then refuses the 1024-bit key itself; localtls no longer does.)
  try { listener.setIdentity(allowed); } catch (error) { assert.notEqual((error as { code?: string }).code, 'WEAK_KEY'); }
  const byKey = await Identity.fromPKCS12(vector('rsa1024.p12'), PASSWORD);
  allowWeakKey(byKey.privateKey);
  const conn = connect('legacy-printer.local', 1, { identity: byKey, lookup: () => ['127.0.0.1'], connectTimeout: 1000 });
  conn.cancel();
  await conn.ready.catch(() => undefined);
  throwsWithCode(() => createListener({ identity: weak, port: 0 }), 'WEAK_KEY');   // other holders stay refused
});

test('14.6 a CA refuses to sign with a weak key and to certify a weak key; allowWeakKey(ca) allows both', async () => {
  const old = await weakCa();
  const signing = await rejectsWithCode(() => old.issue({ hosts: ['printer.local'] }), 'WEAK_KEY');
  assert.match(signing.message, /CA CN=Old Printer CA: its signing key: .*found a 1024-bit RSA key/);
  const ca = await CertificateAuthority.create({ commonName: 'Desk CA' });
  const { csrPem } = await createSigningRequest({ hosts: ['printer.local'], privateKey: weakKey() });
  const certify = await rejectsWithCode(() => ca.sign(csrPem), 'WEAK_KEY');
  assert.match(certify.message, /the key to certify/);
  await rejectsWithCode(() => old.sign(csrPem), 'WEAK_KEY');

  allowWeakKey(ca);
  const signed = await ca.sign(csrPem);
  assert.equal(signed.certificate.publicKey.bits, 1024);
  allowWeakKey(old);
  const issued = await old.issue({ hosts: ['printer.local'] });
  assert.equal(issued.certificate.issuer, 'CN=Old Printer CA');
  assert.equal(keyWeakness(issued.certificate.publicKey), undefined, 'issue() still makes a strong key');
});

test('14.6 the one key-strength policy', () => {
  assert.equal(keyWeakness({ type: 'rsa', bits: 2048 }), undefined);
  assert.equal(keyWeakness({ type: 'rsa', bits: 1024 }), 'a 1024-bit RSA key');
  assert.equal(keyWeakness({ type: 'rsa-pss', bits: 1536 }), 'a 1536-bit RSA-PSS key');
  for (const curve of ['P-256', 'P-384', 'P-521']) assert.equal(keyWeakness({ type: 'ec', curve, bits: 256 }), undefined);
  assert.equal(keyWeakness({ type: 'ec', curve: 'secp256k1', bits: 256 }), 'an EC key on curve secp256k1');
  assert.equal(keyWeakness({ type: 'ed25519' }), undefined);
  assert.equal(keyWeakness({ type: 'dsa' }), 'a DSA key');
  assert.equal(keyWeakness(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), 'an EC key on curve secp256k1');
  assert.equal(keyWeakness(weakKey().spki()), 'a 1024-bit RSA key');
});
