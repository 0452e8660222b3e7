/**
 * The trusted-verdict memo (trust/cache.ts knownTrustedOutcome): the same frozen chain, anchors and
 * policy objects skip re-validation and re-keying, and must give exactly the verdict a full
 * evaluation would — never past the validity window, never after clearTrustCache(), never for inputs
 * that can change (a mutable chain, anchor list or policy), and unknown options still throw.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority } from '../../src/ca/index.js';
import { CLOCK_SKEW_MS } from '../../src/ca/validity.js';
import { ConfigError } from '../../src/errors.js';
import { clearTrustCache, evaluateTrustSync } from '../../src/trust/index.js';
import { knownTrustedOutcome } from '../../src/trust/cache.js';
import { SessionCache } from '../../src/tls/index.js';

const DAY_MS = 24 * 3600 * 1000;

async function setup() {
  const ca = await CertificateAuthority.create({ commonName: 'Memo CA' });
  const other = await CertificateAuthority.create({ commonName: 'Other CA' });
  const leaf = (await ca.issue({ hosts: ['desk.local'] })).certificate;
  const stranger = (await other.issue({ hosts: ['desk.local'] })).certificate;
  return { ca, other, leaf, stranger };
}

test('the same frozen inputs are answered from the memo with a fresh time; another policy object is evaluated on its own', async () => {
  const { ca, leaf } = await setup();
  clearTrustCache();
  const chain = Object.freeze([leaf]);
  const anchors = Object.freeze([ca.certificate]);
  const policy = Object.freeze({ kind: 'ssl' as const, hostname: 'desk.local' });
  const first = evaluateTrustSync(chain, { anchors, policy });
  assert.equal(first.trusted, true);
  assert.ok(knownTrustedOutcome(chain, anchors, policy), 'remembered after a trusted evaluation');
  const second = evaluateTrustSync(chain, { anchors, policy });
  assert.equal(second.trusted, true);
  assert.ok(second.time.getTime() >= first.time.getTime(), 'the time is the evaluation time, not the first one');
  assert.deepEqual(second.chain.map((c) => c.fingerprintSha256), [leaf.fingerprintSha256, ca.certificate.fingerprintSha256]);
  const wrongName = evaluateTrustSync(chain, { anchors, policy: Object.freeze({ kind: 'ssl' as const, hostname: 'till.local' }) });
  assert.equal(wrongName.error?.code, 'HOSTNAME_MISMATCH');
  assert.throws(() => evaluateTrustSync(chain, { anchors, policy, extra: true } as never), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_OPTION');
  clearTrustCache();
  assert.equal(knownTrustedOutcome(chain, anchors, policy), undefined, 'clearTrustCache() ends the memo');
});

test('inputs that can change are never answered from the memo: a mutable chain, anchor list or policy', async () => {
  const { ca, other, leaf, stranger } = await setup();
  clearTrustCache();
  const chain = [leaf];
  const anchors = Object.freeze([ca.certificate]);
  assert.equal(evaluateTrustSync(chain, { anchors }).trusted, true);
  chain[0] = stranger;
  assert.equal(evaluateTrustSync(chain, { anchors }).error?.code, 'NOT_TRUSTED');

  const frozenChain = Object.freeze([leaf]);
  const mutableAnchors = [ca.certificate];
  assert.equal(evaluateTrustSync(frozenChain, { anchors: mutableAnchors }).trusted, true);
  mutableAnchors[0] = other.certificate;
  assert.equal(evaluateTrustSync(frozenChain, { anchors: mutableAnchors }).error?.code, 'NOT_TRUSTED');

  const policy = { kind: 'ssl' as const, hostname: 'desk.local' };
  assert.equal(evaluateTrustSync(frozenChain, { anchors, policy }).trusted, true);
  policy.hostname = 'till.local';
  assert.equal(evaluateTrustSync(frozenChain, { anchors, policy }).error?.code, 'HOSTNAME_MISMATCH');
});

test('a remembered "trusted" ends with the validity window: the same frozen inputs are EXPIRED once the CA has expired', async () => {
  // A CA (and so its leaf, capped at the CA's end) whose validity ends ~1.5 s from now.
  const ca = await CertificateAuthority.create({ commonName: 'Short CA', validityDays: 1, now: new Date(Date.now() - DAY_MS + CLOCK_SKEW_MS + 1500) });
  const leaf = (await ca.issue({ hosts: ['desk.local'] })).certificate;
  clearTrustCache();
  const chain = Object.freeze([leaf]);
  const anchors = Object.freeze([ca.certificate]);
  const policy = Object.freeze({ kind: 'ssl' as const, hostname: 'desk.local' });
  assert.equal(evaluateTrustSync(chain, { anchors, policy }).trusted, true);
  assert.equal(evaluateTrustSync(chain, { anchors, policy }).trusted, true);
  assert.ok(knownTrustedOutcome(chain, anchors, policy));
  const end = ca.certificate.notAfter.getTime();
  assert.ok(end - Date.now() < 5000, `the CA ends ${end - Date.now()} ms from now`);
  // notAfter is the last valid second; a little past it, the same inputs must not be trusted.
  for (let i = 0; i < 100 && Date.now() <= end + 1100; i++) await new Promise((r) => setTimeout(r, 50));
  const later = evaluateTrustSync(chain, { anchors, policy });
  assert.equal(later.trusted, false);
  assert.equal(later.error?.code, 'EXPIRED');
});

test('SessionCache keeps a frozen chain as is (so a resumed connection passes the same array on) and freezes a copy of a mutable one', async () => {
  const { ca, leaf } = await setup();
  const cache = new SessionCache(4);
  const frozen = Object.freeze([leaf, ca.certificate]);
  cache.set('a', { session: Buffer.alloc(1), chain: frozen });
  assert.equal(cache.get('a')!.chain, frozen);
  const mutable = [leaf];
  cache.set('b', { session: Buffer.alloc(1), chain: mutable });
  const kept = cache.get('b')!.chain;
  assert.notEqual(kept, mutable);
  assert.ok(Object.isFrozen(kept));
  mutable.push(ca.certificate);
  assert.equal(kept.length, 1, 'a later change to the caller\'s array does not reach the entry');
});
