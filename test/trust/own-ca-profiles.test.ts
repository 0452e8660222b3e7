/** Every certificate profile localtls's own CA issues passes every trust rule under both policies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority } from '../../src/index.js';
import { evaluateTrust } from '../../src/trust/index.js';

for (const keyAlgorithm of ['ecdsa-p256', 'rsa-2048'] as const) {
  test(`own CA (${keyAlgorithm}): CA, server and client certificates pass basicX509 and ssl`, async () => {
    const ca = await CertificateAuthority.create({ commonName: `Profiles CA ${keyAlgorithm}`, keyAlgorithm });
    const anchors = [ca.certificate];
    const caAlone = await evaluateTrust([ca.certificate], { anchors, policy: { kind: 'basicX509' } });
    assert.equal(caAlone.trusted, true, caAlone.explain());
    const server = await ca.issue({ hosts: ['desk.local', '192.168.1.20'], keyAlgorithm });
    for (const policy of [{ kind: 'basicX509' as const }, { kind: 'ssl' as const, hostname: 'desk.local' }, { kind: 'ssl' as const, hostname: '192.168.1.20' }]) {
      const result = await evaluateTrust([server.certificate], { anchors, policy });
      assert.equal(result.trusted, true, result.explain());
    }
    const client = await ca.issue({ hosts: ['tablet-7.local'], keyAlgorithm, serverAuth: false, clientAuth: true });
    for (const policy of [{ kind: 'basicX509' as const }, { kind: 'ssl' as const, server: false }]) {
      const result = await evaluateTrust([client.certificate], { anchors, policy });
      assert.equal(result.trusted, true, result.explain());
    }
  });
}
