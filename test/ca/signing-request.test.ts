import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority, Identity, createSigningRequest, parseSigningRequest } from '../../src/index.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/assert-error.js';
import { openssl } from '../helpers/openssl.js';

const ca = await CertificateAuthority.create({ commonName: 'CSR CA' });

test('CSR flow: key made on the device, CA signs, identity assembled without moving the key', async () => {
  const { csrPem, privateKey } = await createSigningRequest({ hosts: ['listener-name.local', '192.168.1.20'] });
  const check = await openssl(['req', '-verify', '-noout', '-text'], csrPem);
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout + check.stderr, /verify OK/i);
  assert.match(check.stdout, /DNS:listener-name.local, IP Address:192.168.1.20/);
  const parsed = parseSigningRequest(csrPem);
  assert.deepEqual(parsed.requestedHosts, ['listener-name.local', '192.168.1.20']);
  const signed = await ca.sign(csrPem);
  assert.deepEqual(signed.certificate.subjectAltNames.map((s) => s.value), ['listener-name.local', '192.168.1.20']);
  const identity = Identity.fromParts({ certificates: signed.chain, privateKey });
  assert.ok(identity.certificate.equals(signed.certificate));
});

test('the CA, not the CSR, decides the names and extensions', async () => {
  const { csrPem } = await createSigningRequest({ hosts: ['asked-for.local'], keyAlgorithm: 'ed25519' });
  const signed = await ca.sign(csrPem, { hosts: ['granted.local'], clientAuth: true, serverAuth: false });
  assert.deepEqual(signed.certificate.subjectAltNames, [{ type: 'dns', value: 'granted.local' }]);
  assert.deepEqual(signed.certificate.extendedKeyUsage, ['clientAuth']);
  assert.equal(signed.certificate.isCA, false);
  assert.equal(signed.certificate.publicKey.type, 'ed25519');
});

test('an openssl-made CSR is signed too', async () => {
  const key = await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
  const { dir, cleanup } = await (await import('../helpers/temp-dir.js')).makeTempDir();
  try {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/k.pem`, key.stdout);
    const req = await openssl(['req', '-new', '-key', `${dir}/k.pem`, '-subj', '/CN=printer.local', '-addext', 'subjectAltName=DNS:printer.local,IP:10.0.0.7']);
    assert.equal(req.code, 0, req.stderr);
    const signed = await ca.sign(req.stdout);
    assert.deepEqual(signed.certificate.subjectAltNames.map((s) => s.value), ['printer.local', '10.0.0.7']);
  } finally {
    await cleanup();
  }
});

test('a CSR with a broken signature is refused with BAD_CSR; garbage is MALFORMED', async () => {
  const { csrPem } = await createSigningRequest({ hosts: ['tablet.local'] });
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
  const tampered = Buffer.from(der);
  const at = tampered.indexOf('tablet.local');
  tampered[at] ^= 0x01; // 't' -> 'u' in the subject: the signature no longer matches
  const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${tampered.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  const error = await rejectsWithCode(() => ca.sign(pem), 'BAD_CSR');
  assert.match(error.message, /does not verify/);
  throwsWithCode(() => parseSigningRequest('hello'), 'MALFORMED');
  throwsWithCode(() => parseSigningRequest(der.subarray(0, 20)), 'MALFORMED');
  await rejectsWithCode(() => createSigningRequest({ hosts: ['ok.local'], keyAlgorithm: 'x' as never }), 'INVALID_OPTION');
});
