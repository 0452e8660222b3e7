/** The verdict cache: hits for identical evaluations, never outside the validity window. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clearTrustCache, evaluateTrustSync } from '../../src/trust/index.js';
import { LruCache, validityWindow } from '../../src/trust/cache.js';
import { Certificate } from '../../src/cert/certificate.js';
import { pem, TIME } from './vectors.js';

const chain = [pem('leaf'), pem('int')];
const anchors = [pem('root')];

test('an identical evaluation is served from the cache (same Certificate objects come back)', () => {
  clearTrustCache();
  const first = evaluateTrustSync(chain, { anchors, time: TIME });
  const second = evaluateTrustSync(chain, { anchors, time: new Date('2031-06-01') });
  assert.equal(second.trusted, true);
  assert.equal(second.chain[0], first.chain[0], 'cached path reused');
  assert.equal(second.time.toISOString(), '2031-06-01T00:00:00.000Z');
  const fresh = evaluateTrustSync(chain, { anchors, time: TIME, cache: false });
  assert.notEqual(fresh.chain[0], first.chain[0], 'cache: false parses afresh');
});

test('policy and anchors are part of the key', () => {
  clearTrustCache();
  assert.equal(evaluateTrustSync(chain, { anchors, time: TIME, policy: { kind: 'ssl', hostname: 'listener-name.local' } }).trusted, true);
  assert.equal(evaluateTrustSync(chain, { anchors, time: TIME, policy: { kind: 'ssl', hostname: '192.168.1.99' } }).error?.code, 'HOSTNAME_MISMATCH');
  assert.equal(evaluateTrustSync(chain, { anchors: [pem('other-root')], time: TIME }).error?.code, 'NOT_TRUSTED');
  assert.equal(evaluateTrustSync(chain, { anchors, time: TIME }).trusted, true);
});

test('a cached "trusted" is never returned for a time outside the validity window', () => {
  clearTrustCache();
  const expiring = [pem('leaf-expired'), pem('int')];
  assert.equal(evaluateTrustSync(expiring, { anchors, time: new Date('2020-06-01') }).trusted, true);
  assert.equal(evaluateTrustSync(expiring, { anchors, time: new Date('2020-12-31T23:59:59Z') }).trusted, true);
  const later = evaluateTrustSync(expiring, { anchors, time: new Date('2021-01-01T00:00:01.000Z') });
  assert.equal(later.error?.code, 'EXPIRED');
  assert.match(later.error!.message, /expired 1 second ago/);
  assert.equal(evaluateTrustSync(expiring, { anchors, time: new Date('2019-12-31T23:59:59Z') }).error?.code, 'NOT_YET_VALID');
  assert.equal(evaluateTrustSync(chain, { anchors, time: new Date('2120-01-01T00:00:01Z') }).error?.code, 'EXPIRED');
});

test('cached untrusted verdicts re-render time-dependent messages', () => {
  clearTrustCache();
  const expired = [pem('leaf-expired'), pem('int')];
  const a = evaluateTrustSync(expired, { anchors, time: new Date('2022-01-01') });
  const b = evaluateTrustSync(expired, { anchors, time: new Date('2025-01-01') });
  assert.equal(b.chain[0], a.chain[0]);
  assert.match(a.error!.message, /expired 365 days ago/);
  assert.match(b.error!.message, /expired 4 years ago/);
});

test('validityWindow is the span around t in which no certificate changes state', () => {
  const leaf = Certificate.from(pem('leaf-expired'));
  const root = Certificate.from(pem('root'));
  const w = validityWindow([leaf, root], Date.parse('2020-06-01'));
  assert.equal(w.from, Date.parse('2020-01-01T00:00:00Z'));
  assert.equal(w.until, Date.parse('2021-01-01T00:00:00Z') + 1000); // the notAfter second is valid to its end
});

test('LruCache evicts the least recently used entry', () => {
  const lru = new LruCache<string, number>(2);
  lru.set('a', 1); lru.set('b', 2);
  assert.equal(lru.get('a'), 1);
  lru.set('c', 3);
  assert.equal(lru.get('b'), undefined);
  assert.equal(lru.get('a'), 1);
  assert.equal(lru.size, 2);
});
