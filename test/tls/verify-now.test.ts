/**
 * verifyPeerNow (issue 13): the default verifier's verdict without a promise turn. It must give the
 * same verdict as verifyPeer for every input it answers, and must never answer for a hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveAnchors } from '../../src/tls/anchors.js';
import { verifyPeer, verifyPeerNow, type VerifyRequest } from '../../src/tls/verify-hook.js';
import { testMaterial } from '../store/store-fixtures.js';

async function requests(): Promise<Record<string, VerifyRequest>> {
  const { ca, a, otherCa } = await testMaterial();
  const anchors = resolveAnchors({ trustRoots: [ca.certificate], trustStore: false, systemRoots: false }, false).load;
  const base = {
    side: 'client' as const, host: 'listener-name.local', port: 4433, serverName: undefined, protocol: 'TLSv1.3', alpn: undefined,
    resumed: false, anchors, defaultPolicy: { kind: 'ssl' as const, hostname: 'listener-name.local' }, hook: undefined,
  };
  const stranger = await otherCa.issue({ hosts: ['listener-name.local'] });
  return {
    trusted: { ...base, peerCertificates: a.chain },
    wrongName: { ...base, peerCertificates: a.chain, defaultPolicy: { kind: 'ssl', hostname: 'till-2.local' } },
    otherCa: { ...base, peerCertificates: stranger.chain },
    noCertificate: { ...base, peerCertificates: [], resumed: true },
    serverWithoutClientCertificate: { ...base, side: 'server', peerCertificates: [], defaultPolicy: { kind: 'ssl', server: false } },
    serverRequiringOne: { ...base, side: 'server', peerCertificates: [], requireCertificate: true, defaultPolicy: { kind: 'ssl', server: false } },
  };
}

test('verifyPeerNow: answers at once with the verdict verifyPeer gives, for trusted and refused chains', async () => {
  const all = await requests();
  const expected: Record<string, { ok: boolean; code?: string; trustCode?: string }> = {
    trusted: { ok: true },
    wrongName: { ok: false, code: 'CERTIFICATE_VERIFY_FAILED', trustCode: 'HOSTNAME_MISMATCH' },
    otherCa: { ok: false, code: 'CERTIFICATE_VERIFY_FAILED', trustCode: 'NOT_TRUSTED' },
    noCertificate: { ok: false, code: 'CERTIFICATE_VERIFY_FAILED' },
    serverWithoutClientCertificate: { ok: true },
    serverRequiringOne: { ok: false, code: 'CERTIFICATE_VERIFY_FAILED' },
  };
  for (const [name, request] of Object.entries(all)) {
    const now = verifyPeerNow(request);
    assert.ok(now, `${name}: answered synchronously`);
    const later = await verifyPeer(request);
    const want = expected[name]!;
    for (const outcome of [now, later]) {
      assert.equal(outcome.ok, want.ok, name);
      if (!outcome.ok) {
        assert.equal(outcome.error.code, want.code, name);
        if (want.trustCode) assert.equal(outcome.error.details?.trustCode, want.trustCode, name);
      } else if (request.peerCertificates.length > 0) assert.equal(outcome.trustResult?.trusted, true, name);
    }
    assert.equal(now.ok ? undefined : now.error.message, later.ok ? undefined : later.error.message, `${name}: the same message`);
  }
});

test('verifyPeerNow: never answers when a hook must decide, even for a chain the default verifier would refuse', async () => {
  const all = await requests();
  let calls = 0;
  const hook = (): boolean => { calls++; return true; };
  for (const name of ['trusted', 'otherCa', 'noCertificate', 'serverWithoutClientCertificate'] as const) {
    const request = { ...all[name]!, hook };
    if (name === 'noCertificate') {
      // A client that got no certificate is refused before any hook runs, as verifyPeer does.
      assert.equal(verifyPeerNow(request)?.ok, false);
      continue;
    }
    assert.equal(verifyPeerNow(request), undefined, `${name}: left to the hook`);
    assert.equal((await verifyPeer(request)).ok, true, `${name}: the hook's answer`);
  }
  assert.equal(calls, 3, 'only verifyPeer ran the hook');
});
