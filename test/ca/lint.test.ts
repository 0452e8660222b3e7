import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CertificateAuthority, lintCertificate } from '../../src/index.js';
import { openssl } from '../helpers/openssl.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { throwsWithCode } from '../helpers/assert-error.js';

const temp = await makeTempDir();
after(() => temp.cleanup());

/** A self-made leaf from openssl, to break the rules our CA never breaks. */
async function opensslLeaf(name: string, args: string[]): Promise<string> {
  const key = join(temp.dir, `${name}.key`);
  const result = await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=legacy.local', ...args]);
  // (callers that want a leaf pass basicConstraints=critical,CA:FALSE; openssl's default is a CA)
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

const codes = (pem: string, options = {}) => lintCertificate(pem, options).map((f) => `${f.code}:${f.severity}`);

test('our own CA and leaves lint clean on every platform', async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Lint CA' });
  const leaf = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });
  for (const platform of ['apple', 'android', 'chrome'] as const) {
    assert.deepEqual(lintCertificate(leaf.certificate, { platform, hosts: ['listener-name.local', '192.168.1.20'] }), []);
    assert.deepEqual(lintCertificate(ca.certificate, { platform }), []);
  }
  const missing = lintCertificate(leaf.certificate, { hosts: ['192.168.1.21'] });
  assert.equal(missing[0]?.code, 'HOST_NOT_IN_SAN');
  assert.match(missing[0]!.message, /valid for listener-name\.local, 192\.168\.1\.20; not 192\.168\.1\.21/);
});

test('a legacy certificate: no SAN (CN ignored), no EKU, SHA-1, 1000 days', async () => {
  const pem = await opensslLeaf('legacy', ['-days', '1000', '-sha1', '-addext', 'basicConstraints=critical,CA:FALSE']);
  const apple = codes(pem, { platform: 'apple', hosts: ['legacy.local'] });
  assert.ok(apple.includes('NO_SAN:error'), apple.join());
  assert.ok(apple.includes('HOST_NOT_IN_SAN:error'), 'the common name does not count');
  assert.ok(apple.includes('NO_SERVER_AUTH_EKU:error'));
  assert.ok(apple.includes('WEAK_SIGNATURE:error'));
  assert.ok(apple.includes('VALIDITY_TOO_LONG:error'));
  const chrome = codes(pem, { platform: 'chrome' });
  assert.ok(chrome.includes('VALIDITY_TOO_LONG:warning'));
  assert.ok(!chrome.includes('NO_SERVER_AUTH_EKU:error'), 'chrome accepts a leaf without EKU');
});

test('a clientAuth-only EKU is not a server certificate; an RSA-1024 key is weak', async () => {
  const pem = await opensslLeaf('client', ['-days', '30', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'subjectAltName=DNS:legacy.local', '-addext', 'extendedKeyUsage=codeSigning']);
  assert.ok(codes(pem).includes('NO_SERVER_AUTH_EKU:error'));
  const key = join(temp.dir, 'small.key');
  const small = await openssl(['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', key, '-subj', '/CN=s', '-days', '30', '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'subjectAltName=DNS:s.local', '-addext', 'extendedKeyUsage=serverAuth']);
  assert.ok(codes(small.stdout).includes('WEAK_RSA_KEY:error'));
});

test('a CA without critical basicConstraints, or without keyCertSign, is flagged', async () => {
  const nonCritical = await opensslLeaf('badca', ['-days', '30', '-addext', 'basicConstraints=CA:TRUE', '-addext', 'keyUsage=keyCertSign,cRLSign']);
  assert.deepEqual(codes(nonCritical), ['CA_WITHOUT_BASIC_CONSTRAINTS:error']);
  const noCertSign = await opensslLeaf('badca2', ['-days', '30', '-addext', 'keyUsage=digitalSignature']);
  assert.deepEqual(codes(noCertSign), ['CA_WITHOUT_KEY_CERT_SIGN:error']);
});

test('an unknown platform is an INVALID_OPTION', async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Lint CA' });
  throwsWithCode(() => lintCertificate(ca.certificate, { platform: 'windows' as never }), 'INVALID_OPTION');
});
