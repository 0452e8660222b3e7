import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CertificateAuthority, IdentityStore, TrustStore, connect, createListener, enroll, evaluateTrust, keepRenewed, renewalStatus, startEnrollment,
  type Certificate, type Connection, type Enrollment, type Identity, type Listener,
} from '../../src/index.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { openssl } from '../helpers/openssl.js';

/** Connects as the device: trusting only its trust store directory (no system roots), with its own identity. */
async function deviceConnects(port: number, trustDir: string, identity?: Identity): Promise<{ ok: boolean; code?: string; leaf?: string }> {
  const conn = connect('127.0.0.1', port, { trustStore: trustDir, systemRoots: false, resumption: false, ...(identity ? { identity } : {}) });
  try {
    await conn.ready;
    const reader = conn.messages()[Symbol.asyncIterator]();
    await conn.sendMessage({ ping: 1 });
    const reply = await reader.next();
    assert.deepEqual(reply.value?.type === 'json' ? reply.value.value : undefined, { pong: 1 });
    return { ok: true, leaf: conn.tls!.peerCertificates[0]!.fingerprintSha256 };
  } catch (error) {
    return { ok: false, code: (error as { code?: string }).code };
  } finally {
    conn.cancel();
  }
}

function echoListener(identity: Identity, acceptedRoots: Certificate[]): Listener {
  const listener = createListener({ identity, port: 0, host: '127.0.0.1', requireClientCertificate: true, trustRoots: acceptedRoots });
  listener.on('connection', (conn: Connection) => {
    void (async () => { for await (const m of conn.messages()) await conn.sendMessage(m.type === 'json' ? { pong: (m.value as { ping: number }).ping } : {}); })().catch(() => conn.forceCancel());
  });
  return listener;
}

test('CA roll-over: a device enrolled under the old root keeps working before, during and after the window; a chain from the dropped root is refused', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const trustDir = join(dir, 'trust');
  const trust = await TrustStore.open({ dir: trustDir });
  const identities = await IdentityStore.open({ dir: join(dir, 'identities'), passphrase: 'device passphrase', kdf: { N: 1024, r: 8, p: 1 } } as Parameters<typeof IdentityStore.open>[0]);
  const oldCa = await CertificateAuthority.create({ commonName: 'Roll-over Test CA', nameConstraints: 'local' });
  let time = Date.now();
  const now = () => new Date(time);
  const approve = () => ({ profile: 'server' as const, hosts: ['127.0.0.1'] });
  // Only the device's clock is controlled: the CA issues at real time, so TLS checks at real time pass.
  const enrollments: Enrollment[] = [];
  let listener: Listener | undefined;
  t.after(async () => { listener?.cancel({ force: true }); for (const e of enrollments) await e.close(); });

  // Pairing under the old root: the device trusts only it.
  const first = await startEnrollment({ ca: oldCa, host: '127.0.0.1', approve });
  enrollments.push(first);
  const port = first.port;
  const enrolled = await enroll({ host: '127.0.0.1', port, code: first.code, hosts: ['127.0.0.1'], trustStore: trust, identityStore: identities, label: 'device' });
  assert.deepEqual((await trust.list()).map((r) => r.fingerprintSha256), [oldCa.certificate.fingerprintSha256]);
  const schedule = keepRenewed({ host: '127.0.0.1', port, identity: enrolled.identity, root: enrolled.root, trustStore: trust, identityStore: identities, label: 'device', now });
  // check() is driven by the test (no timer: the controlled clock runs ahead of the CA's real one).
  schedule.stop();
  const rootEvents: [string, string][] = [];
  schedule.on('root', (next: Certificate, previous: Certificate) => rootEvents.push([next.fingerprintSha256, previous.fingerprintSha256]));

  // (a) before the roll-over
  const before = await oldCa.issue({ hosts: ['127.0.0.1'], clientAuth: true });
  listener = echoListener(before, oldCa.acceptedRoots);
  await listener.ready;
  assert.deepEqual(await deviceConnects(listener.port!, trustDir, schedule.identity), { ok: true, leaf: before.certificate.fingerprintSha256 });

  // (b) roll-over: the server's identity comes from the new CA and carries the cross certificate
  const newCa = await oldCa.rollOver();
  const cross = newCa.rollOverState!.crossCertificate;
  assert.equal(newCa.certificate.subject, oldCa.certificate.subject);
  assert.equal(cross.issuer, oldCa.certificate.subject);
  assert.equal(cross.spkiSha256.hex, newCa.certificate.spkiSha256.hex);
  const serverIdentity = await newCa.issue({ hosts: ['127.0.0.1'], clientAuth: true });
  assert.deepEqual(serverIdentity.chain.map((c) => c.fingerprintSha256), [serverIdentity.certificate.fingerprintSha256, cross.fingerprintSha256]);
  // the listener accepts devices under either root during the window
  listener.cancel({ force: true });
  listener = echoListener(serverIdentity, newCa.acceptedRoots);
  await listener.ready;
  assert.deepEqual(await deviceConnects(listener.port!, trustDir, schedule.identity), { ok: true, leaf: serverIdentity.certificate.fingerprintSha256 }, 'old-root-only device, identity under the old root');
  const viaCross = await evaluateTrust(serverIdentity.chain, { anchors: [oldCa.certificate], policy: { kind: 'ssl', hostname: '127.0.0.1' } } as Parameters<typeof evaluateTrust>[1]);
  assert.equal(viaCross.trusted, true);
  assert.deepEqual(viaCross.chain?.map((c: Certificate) => c.fingerprintSha256), [serverIdentity.certificate.fingerprintSha256, cross.fingerprintSha256, oldCa.certificate.fingerprintSha256]);

  // openssl agrees: leaf ← cross ← old root, and leaf ← new root. (A DNS-named leaf: OpenSSL checks
  // a CN of "127.0.0.1" against the 'local' DNS constraints.)
  const named = await newCa.issue({ hosts: ['front-desk.local', '192.168.1.20'] });
  await writeFile(join(dir, 'old.pem'), oldCa.certificate.toPEM());
  await writeFile(join(dir, 'new.pem'), newCa.certificate.toPEM());
  await writeFile(join(dir, 'cross.pem'), cross.toPEM());
  await writeFile(join(dir, 'leaf.pem'), named.certificate.toPEM());
  const viaOld = await openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', join(dir, 'old.pem'), '-untrusted', join(dir, 'cross.pem'), join(dir, 'leaf.pem')]);
  assert.equal(viaOld.code, 0, viaOld.stderr + viaOld.stdout);
  const viaNew = await openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', join(dir, 'new.pem'), join(dir, 'leaf.pem')]);
  assert.equal(viaNew.code, 0, viaNew.stderr + viaNew.stdout);
  const oldAlone = await openssl(['verify', '-CAfile', join(dir, 'old.pem'), join(dir, 'leaf.pem')]);
  assert.notEqual(oldAlone.code, 0, 'without the cross certificate the old root does not reach the new leaf');

  // (c) the endpoint restarts with the new CA; the device renews (controlled clock) and learns the new root
  await first.close();
  const second = await startEnrollment({ ca: newCa, host: '127.0.0.1', port, approve });
  enrollments.push(second);
  time = schedule.dueAt.getTime() + 1;
  const warnings: string[] = [];
  schedule.on('warning', (e: Error) => warnings.push(e.message));
  assert.equal(await schedule.check(), 'renewed', warnings.join('\n'));
  assert.deepEqual(rootEvents, [[newCa.certificate.fingerprintSha256, oldCa.certificate.fingerprintSha256]]);
  assert.equal(schedule.root.fingerprintSha256, newCa.certificate.fingerprintSha256);
  assert.deepEqual((await trust.list()).map((r) => r.fingerprintSha256).sort(), [oldCa.certificate.fingerprintSha256, newCa.certificate.fingerprintSha256].sort());
  assert.equal((await identities.get('device')).certificate.fingerprintSha256, schedule.identity.certificate.fingerprintSha256);
  assert.ok((await renewalStatus(identities, 'device')).lastSuccessAt);
  const renewedUnderNew = await evaluateTrust(schedule.identity.chain, { anchors: [newCa.certificate], policy: { kind: 'basicX509' } } as Parameters<typeof evaluateTrust>[1]);
  assert.equal(renewedUnderNew.trusted, true);
  assert.deepEqual(await deviceConnects(listener.port!, trustDir, schedule.identity), { ok: true, leaf: serverIdentity.certificate.fingerprintSha256 }, 'renewed identity under the new root');

  // (d) the window ends: the CA drops the cross certificate, the device drops the old root
  const done = newCa.endRollOver();
  assert.equal(done.rollOverState, undefined);
  listener.cancel({ force: true });
  const after = await done.issue({ hosts: ['127.0.0.1'], clientAuth: true });
  assert.deepEqual(after.chain.map((c) => c.fingerprintSha256), [after.certificate.fingerprintSha256, newCa.certificate.fingerprintSha256]);
  listener = echoListener(after, done.acceptedRoots);
  await listener.ready;
  await trust.remove(oldCa.certificate.fingerprintSha256);
  assert.deepEqual((await trust.list()).map((r) => r.fingerprintSha256), [newCa.certificate.fingerprintSha256]);
  assert.deepEqual(await deviceConnects(listener.port!, trustDir, schedule.identity), { ok: true, leaf: after.certificate.fingerprintSha256 }, 'new root only, chain leaf ← new root');

  const oldServer = echoListener(await oldCa.issue({ hosts: ['127.0.0.1'] }), [oldCa.certificate]);
  t.after(() => oldServer.cancel({ force: true }));
  await oldServer.ready;
  const refused = await deviceConnects(oldServer.port!, trustDir, schedule.identity);
  assert.equal(refused.ok, false, 'a chain from the old root alone is refused by a device that dropped it');
  assert.equal(refused.code, 'CERTIFICATE_VERIFY_FAILED');
});

test('rollOver: state survives save/load, endRollOver removes it, a second roll-over inside the window and mismatched files are refused', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const ca = await CertificateAuthority.create({ commonName: 'Save Test CA' });
  const next = await ca.rollOver({ validityDays: 100 });
  await assert.rejects(next.rollOver(), (e: { code?: string }) => e.code === 'ROLLOVER_IN_PROGRESS');
  await assert.rejects(ca.rollOver({ bogus: 1 } as never), (e: { code?: string }) => e.code === 'INVALID_OPTION');
  assert.ok(next.rollOverState!.crossCertificate.notAfter <= ca.certificate.notAfter);
  await next.save(dir, { passphrase: 'ca passphrase' });
  const loaded = await CertificateAuthority.load(dir, { passphrase: 'ca passphrase' });
  assert.equal(loaded.rollOverState?.crossCertificate.fingerprintSha256, next.rollOverState!.crossCertificate.fingerprintSha256);
  assert.equal(loaded.rollOverState?.previousRoot.fingerprintSha256, ca.certificate.fingerprintSha256);
  assert.deepEqual(loaded.acceptedRoots.map((c) => c.fingerprintSha256), [next.certificate.fingerprintSha256, ca.certificate.fingerprintSha256]);
  const signed = await loaded.sign((await (await import('../../src/index.js')).createSigningRequest({ hosts: ['printer.local'] })).csrPem);
  assert.deepEqual(signed.chain.map((c) => c.fingerprintSha256).slice(1), [next.rollOverState!.crossCertificate.fingerprintSha256]);

  const other = await (await CertificateAuthority.create({ commonName: 'Save Test CA' })).rollOver();
  await writeFile(join(dir, 'ca-cross.pem'), other.rollOverState!.crossCertificate.toPEM());
  await assert.rejects(CertificateAuthority.load(dir, { passphrase: 'ca passphrase' }), (e: { code?: string }) => e.code === 'ROLLOVER_MISMATCH');

  await next.endRollOver().save(dir, { passphrase: 'ca passphrase' });
  const ended = await CertificateAuthority.load(dir, { passphrase: 'ca passphrase' });
  assert.equal(ended.rollOverState, undefined);
  assert.equal(ended.certificate.fingerprintSha256, next.certificate.fingerprintSha256);
});
