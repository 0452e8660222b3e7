/**
 * connect() answers a call with the same host, port and option values as the previous one with the
 * previous (frozen) resolution (issue 13: every connection paid ~30–50 µs of cold validation code).
 * The memo must never hand back a stale answer: any changed value, a mutated alpn or trustRoots
 * array, a root installed in the trust store, or a bad option gives a fresh resolution (or the error).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveConnectOptions } from '../../src/transport/connect-options.js';
import { SessionCache } from '../../src/tls/session-cache.js';
import { TrustStore } from '../../src/store/trust-store.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { testMaterial } from '../store/store-fixtures.js';

test('resolveConnectOptions: the same values give the same frozen result; any change gives a new one', async () => {
  const { ca, otherCa } = await testMaterial();
  const roots = [ca.certificate];
  const cache = new SessionCache();
  const first = resolveConnectOptions('desk.local', 4433, { trustRoots: roots, sessionCache: cache, alpn: ['a/1'] });
  assert.ok(Object.isFrozen(first));
  assert.equal(resolveConnectOptions('desk.local', 4433, { trustRoots: roots, sessionCache: cache, alpn: ['a/1'] }), first, 'a fresh literal with the same values');

  assert.notEqual(resolveConnectOptions('desk.local', 4434, { trustRoots: roots, sessionCache: cache, alpn: ['a/1'] }).port, 4433, 'another port');
  const otherAlpn = resolveConnectOptions('desk.local', 4433, { trustRoots: roots, sessionCache: cache, alpn: ['a/2'] });
  assert.deepEqual(otherAlpn.alpn, ['a/2'], 'another ALPN list');

  const alpn = ['a/1'];
  const a = resolveConnectOptions('desk.local', 4433, { trustRoots: roots, alpn });
  alpn[0] = 'b/1';
  assert.deepEqual(resolveConnectOptions('desk.local', 4433, { trustRoots: roots, alpn }).alpn, ['b/1'], 'the same array, mutated');
  assert.deepEqual(a.alpn, ['a/1'], 'an earlier result keeps its own copy');

  const before = resolveConnectOptions('desk.local', 4433, { trustRoots: roots });
  roots.push(otherCa.certificate);
  const grown = resolveConnectOptions('desk.local', 4433, { trustRoots: roots });
  assert.notEqual(grown, before, 'a root pushed onto the same array');
  assert.notEqual(grown.anchors.key, before.anchors.key);

  const r1 = resolveConnectOptions('desk.local', 4433, { trustRoots: roots, retry: { attempts: 2 } });
  assert.equal(resolveConnectOptions('desk.local', 4433, { trustRoots: roots, retry: { attempts: 2 } }), r1, 'retry compared by content');
  assert.equal(resolveConnectOptions('desk.local', 4433, { trustRoots: roots, retry: { attempts: 3 } }).retryAttempts, 3);

  // A bad value after a good one is still refused (never answered from the memo).
  resolveConnectOptions('desk.local', 4433, { trustRoots: roots, handshakeTimeout: 1000 });
  assert.throws(() => resolveConnectOptions('desk.local', 4433, { trustRoots: roots, handshakeTimeout: -1 }), { code: 'INVALID_OPTION' });
  assert.throws(() => resolveConnectOptions('desk.local', 4433, { trustRoots: roots, handshakeTimeout: 1000, bogus: 1 } as never), { code: 'INVALID_OPTION' });
  // Options with another prototype are validated every time (inherited options would go unseen).
  const inherited = Object.create({ handshakeTimeout: -1 }) as object;
  assert.throws(() => resolveConnectOptions('desk.local', 4433, inherited as never), { code: 'INVALID_OPTION' });
  // Options read through a getter are never remembered: the next call is validated again.
  let timeout = 1000;
  const viaGetter = { get handshakeTimeout() { return timeout; } };
  assert.equal(resolveConnectOptions('desk.local', 4433, viaGetter).handshakeTimeout, 1000);
  timeout = -1;
  assert.throws(() => resolveConnectOptions('desk.local', 4433, viaGetter), { code: 'INVALID_OPTION' });
});

test('resolvePolicy: a frozen policy is resolved once, unless a getter could answer differently', async () => {
  const { resolvePolicy } = await import('../../src/trust/policy.js');
  const frozen = Object.freeze({ kind: 'ssl' as const, hostname: 'desk.local' });
  assert.equal(resolvePolicy(frozen), resolvePolicy(frozen));
  let name = 'desk.local';
  const moving = Object.freeze({ kind: 'ssl' as const, get hostname() { return name; } });
  assert.equal(resolvePolicy(moving).hostname, 'desk.local');
  name = 'other.local';
  assert.equal(resolvePolicy(moving).hostname, 'other.local');
});

test('resolveConnectOptions: a root installed in the trust store counts at the next resolution', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const storeDir = join(dir, 'trust');
  const store = await TrustStore.open({ dir: storeDir });
  const before = resolveConnectOptions('desk.local', 4433, { trustStore: storeDir });
  assert.equal(resolveConnectOptions('desk.local', 4433, { trustStore: storeDir }), before);
  const third = await CertificateAuthority.create({ commonName: 'Installed CA' });
  await store.add(third.certificate);
  const after = resolveConnectOptions('desk.local', 4433, { trustStore: storeDir });
  assert.notEqual(after, before);
  assert.ok(after.anchors.load().own.some((c) => c.fingerprintSha256 === third.certificate.fingerprintSha256));
});
