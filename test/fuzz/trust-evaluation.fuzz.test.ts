/**
 * Fuzz target: the trust evaluator on mutated chains. Valid chains (P-256 root → intermediate →
 * leaf; RSA-PSS; Ed25519; P-521 under P-384) are damaged byte by byte (in the leaf, the
 * intermediate or the anchor, as DER or PEM) and rearranged (dropped, duplicated, reordered,
 * strangers added). evaluateTrust must always answer with a verdict — never throw — within a
 * second, and a chain is trusted only when the path it was trusted on is byte-identical to the
 * valid certificates (for the anchor: the same name and key, which is what an anchor is). The
 * process-wide verdict cache is exercised too: the valid chains are evaluated (and cached) first,
 * and half the mutated evaluations use the cache.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateTrust, evaluateTrustSync, type TrustPolicy } from '../../src/trust/index.js';
import { Certificate } from '../../src/cert/certificate.js';
import { pem, TIME } from '../trust/vectors.js';
import { fuzzParameters, mutate, type Mutation } from './fuzz-helpers.js';

interface Seed {
  name: string;
  chain: Uint8Array[];
  anchors: Uint8Array[];
  policy: TrustPolicy;
}

const der = (name: string): Uint8Array => Certificate.from(pem(name)).der;

const SEEDS: Seed[] = [
  { name: 'P-256 root → intermediate → leaf', chain: [der('leaf'), der('int')], anchors: [der('root')], policy: { kind: 'ssl', hostname: 'listener-name.local' } },
  { name: 'P-256 leaf, basic X.509', chain: [der('leaf'), der('int')], anchors: [der('root')], policy: { kind: 'basicX509' } },
  { name: 'RSA-PSS', chain: [der('rsa-pss-leaf')], anchors: [der('rsa-root')], policy: { kind: 'ssl', hostname: 'rsa.example.local' } },
  { name: 'Ed25519', chain: [der('ed25519-leaf')], anchors: [der('ed25519-root')], policy: { kind: 'basicX509' } },
  { name: 'P-521 under P-384', chain: [der('p521-leaf')], anchors: [der('p384-root')], policy: { kind: 'basicX509' } },
];
const STRANGERS = ['other-root', 'root-rekeyed', 'self-signed-leaf', 'int-expired', 'notca'].map(der);

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

test('trust fuzz: the seed chains are trusted (so a mutation is what makes the difference)', async () => {
  for (const seed of SEEDS) {
    const result = await evaluateTrust(seed.chain, { anchors: seed.anchors, policy: seed.policy, time: TIME });
    assert.equal(result.trusted, true, `${seed.name}: ${result.error?.code} ${result.error?.message}`);
  }
});

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'insert', 'overwrite'),
  at: fc.nat(), value: fc.nat(255), length: fc.nat(64),
});

/** What to do to the seed: byte mutations on one certificate, then a rearrangement of the chain. */
const plan = fc.record({
  seed: fc.nat(SEEDS.length - 1),
  target: fc.constantFrom('chain', 'anchor'),
  index: fc.nat(),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  rearrange: fc.constantFrom('none', 'none', 'drop', 'duplicate', 'reverse', 'stranger'),
  stranger: fc.nat(STRANGERS.length - 1),
  asPem: fc.boolean(),
  cache: fc.boolean(),
});

test('trust fuzz: mutated chains always get a verdict (never an exception), and are never trusted unless the trusted path is byte-identical to the valid certificates (anchors: same name and key)', async () => {
  const valid = new Set(SEEDS.flatMap((s) => [...s.chain, ...s.anchors]).map(hex));
  const seedAnchors = SEEDS.flatMap((s) => s.anchors).map((a) => Certificate.from(a));
  await fc.assert(fc.asyncProperty(plan, async (p) => {
    const seed = SEEDS[p.seed]!;
    let chain = [...seed.chain];
    let anchors = [...seed.anchors];
    const list = p.target === 'chain' ? chain : anchors;
    const at = p.index % list.length;
    list[at] = p.mutations.reduce<Uint8Array>((bytes, m) => mutate(bytes, m), list[at]!);
    const leafChanged = hex(chain[0]!) !== hex(seed.chain[0]!);
    if (p.rearrange === 'drop' && chain.length > 1) chain = chain.slice(0, -1);
    if (p.rearrange === 'duplicate') chain = [...chain, ...chain.slice(1)];
    if (p.rearrange === 'reverse' && chain.length > 1) chain = [chain[0]!, ...chain.slice(1).reverse()];
    if (p.rearrange === 'stranger') { chain = [...chain, STRANGERS[p.stranger]!]; anchors = [...anchors, STRANGERS[(p.stranger + 1) % STRANGERS.length]!]; }
    const input = p.asPem ? chain.map((c) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(c).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`) : chain;

    const start = performance.now();
    let result;
    try {
      result = await evaluateTrust(input, { anchors, policy: seed.policy, time: TIME, cache: p.cache });
    } catch (error) {
      assert.fail(`evaluateTrust threw for ${seed.name}: ${String(error)}`);
    }
    const elapsed = performance.now() - start;
    assert.ok(elapsed < 1000, `one evaluation took ${elapsed.toFixed(0)} ms`);
    assert.equal(typeof result.trusted, 'boolean');
    if (result.trusted) {
      assert.equal(result.error, undefined);
      assert.equal(result.findings.length, 0);
      assert.equal(leafChanged, false, `${seed.name}: a mutated leaf was trusted`);
      assert.equal(hex(result.chain[0]!.der), hex(seed.chain[0]!), 'the trusted leaf is the valid leaf');
      const anchor = result.chain.at(-1)!;
      for (const cert of result.chain.slice(0, -1)) assert.ok(valid.has(hex(cert.der)), `${seed.name}: the trusted path contains a mutated certificate`);
      assert.ok(anchors.some((a) => hex(a) === hex(anchor.der)), 'the trusted path ends at a given anchor');
      // A trust anchor is its name and key (RFC 5280 6.1.1 d): damage elsewhere in an anchor's bytes
      // (its own signature, a non-critical extension) does not change what it vouches for.
      assert.ok(valid.has(hex(anchor.der)) || seedAnchors.some((a) => hex(a.subjectDer) === hex(anchor.subjectDer) && hex(a.spki) === hex(anchor.spki)),
        `${seed.name}: trusted on an anchor whose name or key was changed`);
    } else {
      assert.ok(result.error && result.error.code.length > 0 && result.error.message.length > 0);
      assert.ok(result.findings.length > 0);
      assert.equal(typeof result.explain(), 'string');
    }
    // The synchronous evaluator gives the same verdict.
    assert.equal(evaluateTrustSync(input, { anchors, policy: seed.policy, time: TIME, cache: false }).trusted, result.trusted);
  }), fuzzParameters);
});

test('trust fuzz: dNSNames with arbitrary bytes never crash, and only printable-ASCII names ever match or are permitted', async () => {
  const { forgeIntermediate, forgeLeaf, forgeRoot } = await import('../trust/forge.js');
  const root = await forgeRoot('Fuzz Root');
  const ca = await forgeIntermediate(root, 'Fuzz CA', { permitted: { dns: ['local'] }, excluded: { dns: ['bank.local'] } });
  const byteString = fc.uint8Array({ minLength: 1, maxLength: 24 }).map((bytes) => String.fromCharCode(...bytes));
  const name = fc.oneof(byteString, fc.tuple(fc.constantFrom('', '*.'), byteString, fc.constantFrom('.local', 'ank.local', '.bank.local', '')).map((parts) => parts.join('')));
  await fc.assert(fc.asyncProperty(name, fc.constantFrom('bank.local', 'www.bank.local', 'shop.local'), async (raw, host) => {
    const leaf = await forgeLeaf(ca, [raw]);
    const result = await evaluateTrust([leaf, ca.cert], { anchors: [root.cert], policy: { kind: 'ssl', hostname: host }, time: TIME, cache: false });
    if (result.trusted) {
      assert.match(raw, /^[\x21-\x7e]+$/, `trusted a non-canonical dNSName ${JSON.stringify(raw)}`);
      const canonical = raw.toLowerCase().replace(/\.$/, '');
      assert.ok(canonical === host || (canonical.startsWith('*.') && host.endsWith(canonical.slice(1))), `${JSON.stringify(raw)} matched ${host}`);
      assert.ok(!host.endsWith('bank.local'), 'an excluded name was permitted');
    }
  }), { ...fuzzParameters, numRuns: Math.min(fuzzParameters.numRuns ?? 200, 200) });
});
