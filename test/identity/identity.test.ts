import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority, Identity, PrivateKey } from '../../src/index.js';
import { throwsWithCode } from '../helpers/assert-error.js';

const ca = await CertificateAuthority.create({ commonName: 'Identity Test CA' });
const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });

test('fromPEM puts a chain given out of order in leaf-first order', () => {
  const { keyPem } = identity.toPEM();
  const reversed = [...identity.chain].reverse().map((c) => c.toPEM()).join('');
  const loaded = Identity.fromPEM(reversed, keyPem);
  assert.ok(loaded.certificate.equals(identity.certificate));
  assert.ok(loaded.chain[1]!.equals(ca.certificate));
});

test('an encrypted key round-trips with its passphrase; a wrong one is BAD_PASSWORD', () => {
  const { certificatePem, keyPem } = identity.toPEM({ passphrase: 'front desk' });
  assert.match(keyPem, /ENCRYPTED PRIVATE KEY/);
  assert.ok(Identity.fromPEM(certificatePem, keyPem, 'front desk').certificate.equals(identity.certificate));
  throwsWithCode(() => Identity.fromPEM(certificatePem, keyPem, 'back door'), 'BAD_PASSWORD');
});

test('a key and certificate in one PEM are accepted', () => {
  const { certificatePem, keyPem } = identity.toPEM();
  assert.ok(Identity.fromPEM(keyPem + certificatePem).certificate.equals(identity.certificate));
});

test('codes: NO_KEY, KEY_MISMATCH, MALFORMED, NO_CERTIFICATE', async () => {
  const { certificatePem, keyPem } = identity.toPEM();
  throwsWithCode(() => Identity.fromPEM(certificatePem), 'NO_KEY');
  const other = await PrivateKey.generate();
  const mismatch = throwsWithCode(() => Identity.fromPEM(certificatePem, other.toPEM()), 'KEY_MISMATCH');
  assert.match(mismatch.message, /CN=listener-name.local/);
  throwsWithCode(() => Identity.fromPEM('garbage', keyPem), 'MALFORMED');
  throwsWithCode(() => Identity.fromParts({ certificates: [], privateKey: identity.privateKey }), 'NO_CERTIFICATE');
});

test('tlsOptions sends the leaf without the self-signed root', () => {
  const { cert } = identity.tlsOptions();
  assert.equal((cert.match(/BEGIN CERTIFICATE/g) ?? []).length, 1);
});
