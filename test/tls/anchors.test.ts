/**
 * Anchor resolution is remembered per trustRoots array (issue 13), and verification tries the
 * caller's own roots before the system roots. Neither may change what is trusted: a mutated
 * array, a changed trust store or other systemRoots give a new resolution, and a chain the own
 * roots do not trust is judged against every anchor.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveAnchors, systemRootCertificates } from '../../src/tls/anchors.js';
import { createVerifyContext } from '../../src/tls/verify-context.js';
import { TrustStore } from '../../src/store/trust-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { testMaterial } from '../store/store-fixtures.js';

test('resolveAnchors: the same array gives the same resolution; a mutated array, another store or systemRoots a new one', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca, otherCa } = await testMaterial();
  const roots = [ca.certificate];
  const first = resolveAnchors({ trustRoots: roots, trustStore: false }, true);
  assert.equal(resolveAnchors({ trustRoots: roots, trustStore: false }, true), first, 'remembered while nothing changed');
  assert.match(first.key, /\+system$/);
  assert.notEqual(resolveAnchors({ trustRoots: roots, trustStore: false, systemRoots: false }, true).key, first.key);

  roots.push(otherCa.certificate);
  const grown = resolveAnchors({ trustRoots: roots, trustStore: false }, true);
  assert.notEqual(grown.key, first.key, 'an added root counts at the next resolution');
  assert.deepEqual(grown.load().own.map((c) => c.fingerprintSha256), [ca.certificate.fingerprintSha256, otherCa.certificate.fingerprintSha256]);

  const storeDir = join(dir, 'trust');
  const store = await TrustStore.open({ dir: storeDir });
  const before = resolveAnchors({ trustRoots: roots, trustStore: storeDir }, true);
  const other = (await import('../../src/ca/index.js')).CertificateAuthority;
  const third = await other.create({ commonName: 'Third CA' });
  await store.add(third.certificate);
  const after = resolveAnchors({ trustRoots: roots, trustStore: storeDir }, true);
  assert.notEqual(after.key, before.key, 'a root installed in the store counts at the next resolution');
  assert.ok(after.load().own.some((c) => c.fingerprintSha256 === third.certificate.fingerprintSha256));
});

test('resolveAnchors: PEM roots are remembered too; DER bytes (mutable) are parsed every time', async () => {
  const { ca } = await testMaterial();
  const pem = [ca.certificate.toPEM()];
  assert.equal(resolveAnchors({ trustRoots: pem, trustStore: false }, false), resolveAnchors({ trustRoots: pem, trustStore: false }, false));
  const der = [new Uint8Array(ca.certificate.toDER())];
  assert.notEqual(resolveAnchors({ trustRoots: der, trustStore: false }, false), resolveAnchors({ trustRoots: der, trustStore: false }, false));
});

test('verification: a chain to an own root is trusted; one the own roots do not trust is judged against every anchor', async () => {
  const { ca, otherCa } = await testMaterial();
  const leaf = await ca.issue({ hosts: ['desk.local'] });
  const anchors = resolveAnchors({ trustRoots: [ca.certificate], trustStore: false }, true);
  const facts = {
    side: 'client' as const, host: 'desk.local', port: 4433, serverName: 'desk.local', protocol: 'TLSv1.3', alpn: undefined, resumed: false,
    anchors: anchors.load, defaultPolicy: { kind: 'ssl' as const, hostname: 'desk.local' },
  };
  const trusted = await createVerifyContext({ ...facts, peerCertificates: leaf.chain }).context.evaluate();
  assert.equal(trusted.trusted, true);
  assert.equal(trusted.chain.at(-1)!.fingerprintSha256, ca.certificate.fingerprintSha256);

  const stranger = await otherCa.issue({ hosts: ['desk.local'] });
  const refused = await createVerifyContext({ ...facts, peerCertificates: stranger.chain }).context.evaluate();
  assert.equal(refused.trusted, false);
  assert.equal(refused.error?.code, 'NOT_TRUSTED');
  assert.match(refused.error!.message, new RegExp(String(systemRootCertificates().length + 1)), 'the refusal names every anchor it tried (own + system)');
});
