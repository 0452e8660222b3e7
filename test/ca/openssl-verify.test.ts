import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CertificateAuthority, type Identity } from '../../src/index.js';
import { openssl } from '../helpers/openssl.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const temp = await makeTempDir();
after(() => temp.cleanup());

async function verify(ca: CertificateAuthority, identity: Identity, purpose: string, extra: string[] = []) {
  const caFile = join(temp.dir, `ca-${ca.certificate.serialNumber}.pem`);
  const leafFile = join(temp.dir, `leaf-${identity.certificate.serialNumber}.pem`);
  await writeFile(caFile, ca.certificate.toPEM());
  await writeFile(leafFile, identity.certificate.toPEM());
  return openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', caFile, ...extra, leafFile]);
}

test('P-256 and RSA-2048 leaves pass openssl verify -x509_strict -purpose sslserver; SANs show in x509 -text', async () => {
  for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
    const ca = await CertificateAuthority.create({ commonName: `Front Desk CA ${keyAlgorithm}`, keyAlgorithm });
    const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20', '::1'], keyAlgorithm });
    const result = await verify(ca, identity, 'sslserver', ['-verify_hostname', 'listener-name.local']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /: OK/);
    const byIp = await verify(ca, identity, 'sslserver', ['-verify_ip', '192.168.1.20']);
    assert.equal(byIp.code, 0, byIp.stderr);
    const wrongIp = await verify(ca, identity, 'sslserver', ['-verify_ip', '192.168.1.21']);
    assert.notEqual(wrongIp.code, 0);
    const text = await openssl(['x509', '-noout', '-text'], identity.certificate.toPEM());
    assert.match(text.stdout, /DNS:listener-name\.local, IP Address:192\.168\.1\.20, IP Address:0:0:0:0:0:0:0:1/);
    const caText = await openssl(['x509', '-noout', '-text'], ca.certificate.toPEM());
    assert.match(caText.stdout, /Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
    assert.match(caText.stdout, /Key Usage: critical\s+Certificate Sign, CRL Sign/);
  }
});

test('a clientAuth leaf passes -purpose sslclient; a server-only leaf does not', async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Device CA' });
  const device = await ca.issue({ commonName: 'tablet-3', clientAuth: true, serverAuth: false });
  const ok = await verify(ca, device, 'sslclient');
  assert.equal(ok.code, 0, ok.stderr);
  const server = await ca.issue({ hosts: ['listener-name.local'] });
  assert.notEqual((await verify(ca, server, 'sslclient')).code, 0);
});

test("leaves of a 'local'-constrained CA pass openssl verify; openssl also refuses a forged public name under it", async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Local CA', nameConstraints: 'local' });
  const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20', 'fd00::1'] });
  const result = await verify(ca, identity, 'sslserver');
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const text = await openssl(['x509', '-noout', '-text'], ca.certificate.toPEM());
  assert.match(text.stdout, /Name Constraints: critical/);
  assert.match(text.stdout, /Permitted:\s+DNS:local\s+DNS:home\.arpa/);
});
