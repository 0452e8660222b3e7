import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { IdentityStore, RENEWAL_STATUS_FILE, enroll, keepRenewed, renewalStatus } from '../../src/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { endpoint } from './pairing-fixtures.js';

const DAY = 86_400_000;

test('renewal status: keepRenewed({ identityStore, label }) records each failure (code, count, next try) and a success clears it; file 0600', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const store = await IdentityStore.open({ dir: join(dir, 'identities'), passphrase: 'renewal status', kdf: { N: 1024 } });
  const { enrollment } = await endpoint();
  const { identity, root } = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code, identityStore: store, label: 'tablet' });
  const port = enrollment.port;
  await enrollment.close();
  assert.deepEqual(await renewalStatus(store, 'tablet'), {});
  let time = identity.certificate.notAfter.getTime() - DAY;
  const schedule = keepRenewed({ host: '127.0.0.1', port, identity, root, identityStore: store, label: 'tablet', now: () => new Date(time), retryDelay: 60_000, renewBefore: 30 * DAY });
  // The test drives check() itself: no timer (the controlled clock runs ahead of the CA's real one,
  // so a renewed certificate would look due at once and the timer would renew again in the background).
  schedule.stop();
  schedule.on('warning', () => { /* recorded below */ });
  try {
    assert.equal(await schedule.check(), 'failed');
    time += 60_000;
    assert.equal(await schedule.check(), 'failed');
    const status = await renewalStatus(store, 'tablet');
    assert.equal(status.lastFailure?.code, 'CONNECTION_REFUSED');
    assert.equal(status.lastFailure?.failures, 2);
    assert.equal(status.lastFailure?.at.getTime(), time);
    assert.equal(status.lastFailure?.nextTryAt?.getTime(), time + 120_000);
    assert.doesNotMatch(status.lastFailure!.message, /PRIVATE KEY/);
    assert.equal((await stat(join(store.dir, RENEWAL_STATUS_FILE))).mode & 0o777, 0o600);

    const { enrollment: again } = await endpoint({ port });
    t.after(() => again.close());
    time += 120_000;
    assert.equal(await schedule.check(), 'renewed');
    const cleared = await renewalStatus(store, 'tablet');
    assert.equal(cleared.lastFailure, undefined);
    assert.equal(cleared.lastSuccessAt?.getTime(), time);
    assert.deepEqual(await renewalStatus(store, 'other'), {});
  } finally {
    schedule.stop();
  }
});
