/**
 * The stores through real connections: connect() trusts the installed roots by default, and
 * tofu() as a verify hook (first use records, same key passes, new key fails, removal resets).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connect, createListener, LocalTlsError } from '../../src/index.js';
import { TrustStore } from '../../src/store/trust-store.js';
import { useTempLocaltlsHome } from '../helpers/localtls-home.js';
import { KnownHosts } from '../../src/store/known-hosts.js';
import { tofu } from '../../src/store/tofu.js';
import { SessionCache } from '../../src/tls/session-cache.js';
import type { Identity } from '../../src/identity/identity.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { testMaterial } from './store-fixtures.js';

const lookup = () => ['127.0.0.1'];

async function withListener<T>(identity: Identity, port: number, fn: (port: number) => Promise<T>): Promise<T> {
  const listener = createListener({ identity, port, host: '127.0.0.1' });
  listener.on('connection', () => undefined); // keep server sides open: the client decides and closes
  await listener.ready;
  try {
    return await fn(listener.port);
  } finally {
    listener.cancel({ force: true });
    const start = Date.now();
    while (listener.openSocketCount > 0 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function attempt(port: number, options: Record<string, unknown>): Promise<LocalTlsError | undefined> {
  const conn = connect('listener-name.local', port, { lookup, sessionCache: new SessionCache(), ...options });
  try {
    await conn.ready;
    return undefined;
  } catch (error) {
    assert.ok(error instanceof LocalTlsError, String(error));
    return error;
  } finally {
    conn.cancel();
  }
}

test('connect() with no trustRoots fails NOT_TRUSTED (hint: install the root) before trustStore.add(root), succeeds after', async (t) => {
  const dir = await useTempLocaltlsHome(t);
  const { ca, a } = await testMaterial();
  await withListener(a, 0, async (port) => {
    const before = await attempt(port, {});
    assert.equal(before?.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(before?.details?.trustCode, 'NOT_TRUSTED');
    assert.match(before?.hint ?? '', /trust store|trustRoots/);
    const trust = await TrustStore.open();
    assert.equal(trust.dir, join(dir, 'trust'));
    await trust.add(ca.certificate);
    assert.equal(await attempt(port, {}), undefined);
    // narrowing: trustStore: false leaves the installed roots out
    assert.equal((await attempt(port, { trustStore: false }))?.details?.trustCode, 'NOT_TRUSTED');
    await trust.remove(ca.certificate.fingerprintSha256);
    assert.equal((await attempt(port, {}))?.details?.trustCode, 'NOT_TRUSTED');
  });
});

test('tofu() through connect(): first use records, same key passes, a new key fails with KNOWN_HOST_CHANGED, removal resets', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { a, b } = await testMaterial();
  const file = join(dir, 'known_hosts.json');
  const port = await withListener(a, 0, async (p) => {
    assert.equal(await attempt(p, { verify: tofu({ file }) }), undefined);
    assert.equal(await attempt(p, { verify: tofu({ file }) }), undefined);
    return p;
  });
  const known = await KnownHosts.open({ file });
  assert.equal((await known.get('listener-name.local', port))?.spkiSha256, a.certificate.spkiSha256.base64);
  await withListener(b, port, async () => {
    const error = await attempt(port, { verify: tofu({ file }) });
    assert.ok(error, 'a new key must fail');
    assert.equal(error.code, 'CERTIFICATE_VERIFY_FAILED');
    assert.equal(error.details?.trustCode, 'KNOWN_HOST_CHANGED');
    assert.equal(error.details?.oldFingerprintSha256, a.certificate.fingerprintSha256);
    assert.match(error.message, /KNOWN_HOST_CHANGED/);
    assert.match(error.hint ?? '', /remove\(/);
    assert.ok(error.message.includes(a.certificate.fingerprintSha256) && error.message.includes(b.certificate.fingerprintSha256));
    await known.remove('listener-name.local', port);
    assert.equal(await attempt(port, { verify: tofu({ file }) }), undefined);
  });
  assert.equal((await known.get('listener-name.local', port))?.spkiSha256, b.certificate.spkiSha256.base64);
});
