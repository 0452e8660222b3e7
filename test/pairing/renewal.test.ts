import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener, enroll, keepRenewed, type Connection, type LocalTlsError } from '../../src/index.js';
import { endpoint } from './pairing-fixtures.js';

const DAY = 86_400_000;

async function fingerprintSeen(port: number, roots: Parameters<typeof connect>[2]): Promise<string> {
  const conn = connect('127.0.0.1', port, roots);
  await conn.ready;
  const fp = conn.tls!.peerCertificates[0]!.fingerprintSha256;
  conn.cancel();
  return fp;
}

test('renewal: due after two thirds of the lifetime (controlled clock), renewed over mutual TLS without a code; the listener swaps and keeps serving', async () => {
  const { enrollment } = await endpoint({ approve: () => ({ profile: 'server', hosts: ['127.0.0.1'] }) });
  const renewed: string[] = [];
  enrollment.on('renewed', (device: { certificate: { fingerprintSha256: string } }) => renewed.push(device.certificate.fingerprintSha256));
  const { identity, root } = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code });
  const listener = createListener({ identity, port: 0, host: '127.0.0.1' });
  listener.on('connection', (conn: Connection) => { void (async () => { for await (const m of conn.messages()) await conn.sendMessage(m.type === 'json' ? { echo: m.value } : {}); })().catch(() => conn.forceCancel()); });
  await listener.ready;
  let time = identity.certificate.notBefore.getTime() + DAY;
  const schedule = keepRenewed({ host: '127.0.0.1', port: enrollment.port, identity, root, listener, now: () => new Date(time) });
  try {
    const lifetime = identity.certificate.notAfter.getTime() - identity.certificate.notBefore.getTime();
    assert.equal(schedule.dueAt.getTime(), identity.certificate.notAfter.getTime() - Math.floor(lifetime / 3));
    assert.equal(await schedule.check(), 'not-due');

    const before = connect('127.0.0.1', listener.port!, { trustRoots: [root] });
    const reader = before.messages();
    await before.sendMessage({ n: 1 });
    const first = await reader.next();
    assert.deepEqual(first.value?.type === 'json' ? first.value.value : undefined, { echo: { n: 1 } });

    time = schedule.dueAt.getTime() + 1;
    assert.equal(await schedule.check(), 'renewed');
    const next = schedule.identity;
    assert.notEqual(next.certificate.fingerprintSha256, identity.certificate.fingerprintSha256);
    assert.equal(next.privateKey.matches(identity.certificate), false, 'a new key');
    assert.deepEqual(next.certificate.subjectAltNames, identity.certificate.subjectAltNames);
    assert.deepEqual(renewed, [next.certificate.fingerprintSha256]);
    assert.equal(await fingerprintSeen(listener.port!, { trustRoots: [root] }), next.certificate.fingerprintSha256);

    await before.sendMessage({ n: 2 });
    const echoed = await reader.next();
    assert.deepEqual(echoed.value?.type === 'json' ? echoed.value.value : undefined, { echo: { n: 2 } }, 'a connection from before the swap keeps working');
    before.cancel();
    assert.equal(schedule.nextCheckAt.getTime(), schedule.dueAt.getTime(), 'the next check is the new certificate\'s due time');
  } finally {
    schedule.stop();
    listener.cancel({ force: true });
    await enrollment.close();
  }
});

test('renewal: failures surface as warning events and retry with a doubling delay', async () => {
  const { enrollment } = await endpoint();
  const { identity, root } = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code });
  const port = enrollment.port;
  await enrollment.close();
  let time = identity.certificate.notAfter.getTime() - DAY;
  const schedule = keepRenewed({ host: '127.0.0.1', port, identity, root, now: () => new Date(time), retryDelay: 60_000, renewBefore: 30 * DAY });
  const warnings: LocalTlsError[] = [];
  schedule.on('warning', (w: LocalTlsError) => warnings.push(w));
  try {
    assert.equal(await schedule.check(), 'failed');
    assert.equal(schedule.nextCheckAt.getTime(), time + 60_000);
    assert.equal(await schedule.check(), 'not-due');
    time += 60_000;
    assert.equal(await schedule.check(), 'failed');
    assert.equal(schedule.nextCheckAt.getTime(), time + 120_000);
    assert.equal(warnings.length, 2);
    assert.equal(warnings[0]!.code, 'CONNECTION_REFUSED');
    assert.match(warnings[1]!.message, /failed 2 time\(s\)/);
    assert.equal(schedule.identity, identity);
  } finally {
    schedule.stop();
  }
});
