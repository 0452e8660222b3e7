import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { Certificate, CertificateAuthority } from '../../src/index.js';
import { throwsWithCode } from '../helpers/assert-error.js';
import { openssl } from '../helpers/openssl.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', organization: 'Restaurant, Inc.' });
const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20', '::1'] });

test('a certificate exposes its fields, agreeing with Node and openssl', async () => {
  const cert = identity.certificate;
  const node = new X509Certificate(cert.toPEM());
  assert.equal(cert.subject, 'CN=listener-name.local');
  assert.equal(cert.issuer, 'CN=Front Desk CA,O=Restaurant\\, Inc.');
  assert.equal(cert.serialNumber, node.serialNumber.toLowerCase().replace(/^(00)+/, ''));
  assert.equal(cert.fingerprintSha256, node.fingerprint256);
  assert.equal(cert.notBefore.getTime(), new Date(node.validFrom).getTime());
  assert.equal(cert.notAfter.getTime(), new Date(node.validTo).getTime());
  assert.deepEqual(cert.subjectAltNames, [{ type: 'dns', value: 'listener-name.local' }, { type: 'ip', value: '192.168.1.20' }, { type: 'ip', value: '::1' }]);
  assert.equal(cert.isCA, false);
  assert.deepEqual(cert.keyUsage, ['digitalSignature']);
  assert.deepEqual(cert.extendedKeyUsage, ['serverAuth']);
  assert.equal(cert.isSelfSigned, false);
  assert.deepEqual(cert.publicKey, { type: 'ec', curve: 'P-256', bits: 256 });
  const nodeSpki = node.publicKey.export({ format: 'der', type: 'spki' });
  assert.equal(cert.spkiSha256.hex, createHash('sha256').update(nodeSpki).digest('hex'));
  assert.equal(cert.spkiSha256.base64, createHash('sha256').update(nodeSpki).digest('base64'));
  const text = await openssl(['x509', '-noout', '-serial', '-subject'], cert.toPEM());
  assert.match(text.stdout, new RegExp(`serial=${cert.serialNumber.toUpperCase()}`));
  assert.equal(ca.certificate.isCA, true);
  assert.equal(ca.certificate.pathLength, 0);
  assert.equal(ca.certificate.isSelfSigned, true);
  assert.deepEqual(ca.certificate.keyUsage, ['keyCertSign', 'cRLSign']);
  assert.equal(cert.authorityKeyIdentifier, ca.certificate.subjectKeyIdentifier);
});

test('PEM and DER round trip; a bundle gives many; the same object is frozen', () => {
  const cert = identity.certificate;
  const fromDer = Certificate.from(cert.toDER());
  const fromPem = Certificate.from(cert.toPEM());
  assert.ok(fromDer.equals(cert) && fromPem.equals(cert));
  assert.equal(Certificate.fromPEMBundle(identity.toPEM().certificatePem).length, 2);
  assert.ok(Object.isFrozen(cert));
  assert.ok(Object.isFrozen(cert.subjectAltNames));
  const bagged = `Bag Attributes\n    friendlyName: x\n${cert.toPEM()}`;
  assert.ok(Certificate.from(bagged).equals(cert));
});

test('malformed input gives MALFORMED with what was expected and found', () => {
  const der = identity.certificate.toDER();
  const cases: [unknown, RegExp][] = [
    [der.subarray(0, der.length - 10), /truncated/],
    [new Uint8Array([...der, 0, 0]), /trailing data/],
    [new Uint8Array([0x31, 0x03, 1, 2, 3]), /expected a DER SEQUENCE/],
    [new Uint8Array([0x30, 0x03, 2, 1, 1]), /expected tbsCertificate, signatureAlgorithm, signatureValue; found 1 elements/],
    ['not a certificate', /without a BEGIN line/],
    ['-----BEGIN CERTIFICATE-----\nAAAA', /BEGIN lines but only 0 complete blocks/],
    ['-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n', /expected base64/],
    ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', /expected a CERTIFICATE block/],
    [12345, /expected DER bytes, PEM text or a Certificate/],
  ];
  for (const [input, pattern] of cases) {
    const error = throwsWithCode(() => Certificate.from(input as string), 'MALFORMED');
    assert.match(error.message, pattern);
  }
});

test('every single-byte truncation of a certificate is refused as MALFORMED, never a crash', () => {
  const der = identity.certificate.toDER();
  for (let length = 0; length < der.length; length += 7) throwsWithCode(() => Certificate.from(der.subarray(0, length)), 'MALFORMED');
});

test('structure checks: mismatched inner/outer signature algorithms, bad times and v1 extensions are MALFORMED', () => {
  const der = Buffer.from(identity.certificate.toDER());
  // the outer signatureAlgorithm follows tbsCertificate; change its OID's last byte (ecdsa-with-SHA256 -> SHA384)
  const outerAlg = der.lastIndexOf(Buffer.from([0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]));
  const mismatched = Buffer.from(der);
  mismatched[outerAlg + 9] = 0x03;
  assert.match(throwsWithCode(() => Certificate.from(mismatched), 'MALFORMED').message, /same signature algorithm inside and outside/);
  const badTime = Buffer.from(der);
  // the notAfter UTCTime exactly: tag 0x17, length 13, YYMMDDHHMMSSZ
  const notAfter = identity.certificate.notAfter.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  const utc = badTime.indexOf(Buffer.concat([Buffer.from([0x17, 0x0d]), Buffer.from(notAfter, 'latin1')]));
  assert.ok(utc > 0, 'found the notAfter UTCTime');
  badTime[utc + 2 + 2] = 0x31; badTime[utc + 2 + 3] = 0x33; // month 13
  assert.match(throwsWithCode(() => Certificate.from(badTime), 'MALFORMED').message, /real calendar time|UTCTime/);
});
