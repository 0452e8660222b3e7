import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateTrust } from '../../src/trust/index.js';
import { canonicalDnsSan } from '../../src/cert/host-name.js';
import { hostMatchesSans } from '../../src/cert/name-match.js';
import { forgeIntermediate, forgeLeaf, forgeRoot } from './forge.js';

const TIME = new Date('2030-01-01T00:00:00Z');
const root = await forgeRoot('Bytes Root');
const ca = await forgeIntermediate(root, 'Excludes bank.local', { permitted: { dns: ['local'] }, excluded: { dns: ['bank.local'] } });

for (const raw of ['b\xAAnk.local', 'ba\u00ADnk.local', '*.b\xAAnk.local', 'bank.local\x00.evil', 'ba nk.local']) {
  test(`a leaf with dNSName ${JSON.stringify(raw)} under a CA excluding bank.local is not trusted for bank.local`, async () => {
    const leaf = await forgeLeaf(ca, [raw]);
    assert.ok(leaf.subjectAltNames[0]!.value.startsWith('invalid:'), leaf.subjectAltNames[0]!.value);
    const result = await evaluateTrust([leaf, ca.cert], { anchors: [root.cert], policy: { kind: 'ssl', hostname: raw.startsWith('*.') ? 'www.bank.local' : 'bank.local' }, time: TIME });
    assert.equal(result.trusted, false);
    const codes = result.findings.map((f) => f.code);
    assert.ok(codes.includes('MALFORMED') && codes.includes('NAME_CONSTRAINTS') && codes.includes('HOSTNAME_MISMATCH'), codes.join());
    const basic = await evaluateTrust([leaf, ca.cert], { anchors: [root.cert], policy: { kind: 'basicX509' }, time: TIME });
    assert.equal(basic.trusted, false);
  });
}

test('a clean ASCII SAN under the same CA is trusted, and the excluded name is refused', async () => {
  const ok = await forgeLeaf(ca, ['Shop.Local.']);
  assert.deepEqual(ok.subjectAltNames, [{ type: 'dns', value: 'shop.local' }]);
  assert.equal((await evaluateTrust([ok, ca.cert], { anchors: [root.cert], policy: { kind: 'ssl', hostname: 'shop.local' }, time: TIME })).trusted, true);
  const excluded = await forgeLeaf(ca, ['BANK.local']);
  const result = await evaluateTrust([excluded, ca.cert], { anchors: [root.cert], policy: { kind: 'ssl', hostname: 'bank.local' }, time: TIME });
  assert.deepEqual(result.findings.map((f) => f.code), ['NAME_CONSTRAINTS']);
});

test('canonicalDnsSan: one form for matching and constraints; non-ASCII never matches', () => {
  assert.equal(canonicalDnsSan('A.Example.LOCAL.'), 'a.example.local');
  assert.match(canonicalDnsSan('b\xAAnk.local'), /^invalid:"b\\u00aank\.local"$/);
  assert.equal(hostMatchesSans('bank.local', [{ type: 'dns', value: 'b\xAAnk.local' }]), false);
  assert.equal(hostMatchesSans('bank.local', [{ type: 'dns', value: canonicalDnsSan('b\xAAnk.local') }]), false);
});
