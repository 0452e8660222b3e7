import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener, enroll, evaluateTrust, IdentityStore, TrustStore, type Connection } from '../../src/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { endpoint, otherCode, pairingCa } from './pairing-fixtures.js';

test('pairing end to end: the device gets a chain for its own key, the root, and both land in its stores', async () => {
  const { dir, cleanup } = await makeTempDir();
  const { enrollment, requests } = await endpoint();
  try {
    const ca = await pairingCa();
    assert.match(enrollment.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.equal(enrollment.rootFingerprint, ca.certificate.fingerprintSha256);
    const identityStore = await IdentityStore.open({ dir: `${dir}/identities`, passphrase: 'device passphrase', kdf: { N: 1024 } });
    const trustStore = await TrustStore.open({ dir: `${dir}/trust` });
    const result = await enroll({
      host: '127.0.0.1', port: enrollment.port, code: enrollment.code.toLowerCase().replace('-', ' '),
      hosts: ['tablet-3.local'], identityStore, trustStore, rootFingerprint: ca.certificate.fingerprintSha256,
    });
    const device = await enrollment.enrolled;
    assert.equal(device.certificate.fingerprintSha256, result.identity.certificate.fingerprintSha256);
    assert.equal(result.profile, 'client');
    assert.equal(result.root.fingerprintSha256, ca.certificate.fingerprintSha256);
    assert.equal(requests.length, 1);
    assert.deepEqual(requests[0]!.hosts, ['tablet-3.local']);
    assert.equal((await evaluateTrust([...result.identity.chain], { anchors: [ca.certificate], policy: { kind: 'ssl', server: false } })).trusted, true);
    assert.equal((await identityStore.get(result.label!)).certificate.fingerprintSha256, result.identity.certificate.fingerprintSha256);
    assert.deepEqual((await trustStore.certificates()).map((c) => c.fingerprintSha256), [ca.certificate.fingerprintSha256]);
    assert.equal(enrollment.status, 'used');

    // the paired identity works for mutual TLS against a listener of the same CA
    const listener = createListener({ identity: await ca.issue({ hosts: ['127.0.0.1'] }), port: 0, host: '127.0.0.1', requireClientCertificate: true, trustRoots: [ca.certificate] });
    listener.on('connection', (conn: Connection) => { conn.sendMessage({ hello: conn.tls!.peerCertificates[0]!.subject }).then(() => conn.cancel(), () => conn.cancel()); });
    await listener.ready;
    try {
      const conn = connect('127.0.0.1', listener.port, { identity: result.identity, trustRoots: [result.root] });
      const first = await conn.messages().next();
      assert.deepEqual(first.value && first.value.type === 'json' ? first.value.value : undefined, { hello: 'CN=tablet-3.local' });
      conn.cancel();
    } finally {
      listener.cancel({ force: true });
    }
  } finally {
    await enrollment.close();
    await cleanup();
  }
});

test('pairing: the server profile gives a certificate a listener can use', async () => {
  const { enrollment } = await endpoint({ approve: () => ({ profile: 'server', hosts: ['kitchen.local', '127.0.0.1'] }) });
  try {
    const result = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code, hosts: ['ignored.local'] });
    assert.equal(result.profile, 'server');
    assert.deepEqual(result.identity.certificate.subjectAltNames.map((s) => s.value), ['kitchen.local', '127.0.0.1']);
    assert.equal((await evaluateTrust([...result.identity.chain], { anchors: [result.root], policy: { kind: 'ssl', hostname: 'kitchen.local' } })).trusted, true);
  } finally {
    await enrollment.close();
  }
});

test('pairing: a wrong code is refused without asking the operator, and the right one still works', async () => {
  const { enrollment, requests, refused } = await endpoint();
  try {
    const error = await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: otherCode(enrollment.code) }), 'PAIRING_CODE_WRONG');
    assert.match(error.message, /4 tries left/);
    assert.equal(requests.length, 0);
    assert.deepEqual(refused, ['PAIRING_CODE_WRONG']);
    await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code });
    assert.equal(requests.length, 1);
  } finally {
    await enrollment.close();
  }
});

test('pairing: a code pairs one device only (a replay is refused)', async () => {
  const { enrollment, requests } = await endpoint();
  try {
    await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code });
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code }), 'PAIRING_CODE_USED');
    assert.equal(requests.length, 1);
  } finally {
    await enrollment.close();
  }
});

test('pairing: a code expires after its lifetime (controlled clock)', async () => {
  let time = Date.now();
  const { enrollment, requests } = await endpoint({ now: () => new Date(time) });
  try {
    assert.equal(enrollment.expiresAt.getTime(), time + 10 * 60_000);
    time += 10 * 60_000;
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code }), 'PAIRING_CODE_EXPIRED');
    assert.equal(requests.length, 0);
    assert.equal(enrollment.status, 'expired');
  } finally {
    await enrollment.close();
  }
});

test('pairing: after 5 wrong tries the code is dead, even for the right code', async () => {
  const { enrollment, requests } = await endpoint();
  try {
    for (let i = 0; i < 5; i++) await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: otherCode(enrollment.code) }), 'PAIRING_CODE_WRONG');
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code }), 'PAIRING_CODE_EXHAUSTED');
    assert.equal(requests.length, 0);
    assert.equal(enrollment.status, 'exhausted');
  } finally {
    await enrollment.close();
  }
});

test('pairing: the operator can decline; the device gets PAIRING_DENIED', async () => {
  const { enrollment } = await endpoint({ approve: () => false });
  try {
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code }), 'PAIRING_DENIED');
  } finally {
    await enrollment.close();
  }
});

test('pairing: malformed codes and options are refused before any connection', async () => {
  await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: 1, code: 'short' }), 'INVALID_OPTION');
  await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: 1, code: 'ABCD-EFGU' }), 'INVALID_OPTION');
  await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: 1, code: 'ABCD-EFGH', rootFingerprint: 'nope' }), 'INVALID_OPTION');
});
