import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CertificateAuthority, connect, createListener, enroll, type Connection, type Listener } from '../../src/index.js';
import { acceptAnyPeerCertificate_INSECURE } from '../../src/danger/index.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { endpoint, pairingCa } from './pairing-fixtures.js';

const ALPN = ['localtls-pairing/1'];

/** A man in the middle with its own root: records every message the device sends, answers with `answer`. */
async function impostor(answer: (hello: unknown, conn: Connection) => Promise<void>): Promise<{ listener: Listener; seen: string[] }> {
  const fake = await CertificateAuthority.create({ commonName: 'Pairing Test CA' }); // same name, different key
  const listener = createListener({ identity: await fake.issue({ hosts: ['127.0.0.1'] }), port: 0, host: '127.0.0.1', alpn: ALPN });
  const seen: string[] = [];
  listener.on('connection', (conn: Connection) => {
    void (async () => {
      await conn.sendMessage({ type: 'root', root: fake.certificate.toPEM() });
      let first = true;
      for await (const message of conn.messages()) {
        const value = message.type === 'json' ? message.value as { type: string } : { type: 'bytes' };
        seen.push(value.type);
        if (first) await answer(value, conn);
        first = false;
      }
    })().catch(() => conn.forceCancel());
  });
  await listener.ready;
  return { listener, seen };
}

test('pairing MITM: an impostor with another root cannot prove the code; the device refuses before sending its CSR', async () => {
  const { listener, seen } = await impostor(async (_hello, conn) => { await conn.sendMessage({ type: 'proof', proof: randomBytes(32).toString('base64') }); });
  try {
    const error = await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: listener.port!, code: 'K7QM-2XDA', stepTimeoutMs: 5000 }), 'PAIRING_PROOF_FAILED');
    assert.match(error.message, /no CSR was sent/);
    assert.deepEqual(seen, ['hello']);
  } finally {
    listener.cancel({ force: true });
  }
});

test('pairing MITM: relaying the device\'s proof to the real endpoint fails (the proof is bound to the TLS session and root), and costs the attacker a try', async () => {
  const { enrollment, requests, refused } = await endpoint();
  const { listener, seen } = await impostor(async (hello, conn) => {
    const upstream = connect('127.0.0.1', enrollment.port, { verify: acceptAnyPeerCertificate_INSECURE, alpn: ALPN });
    const reader = upstream.messages();
    await reader.next(); // the real root
    await upstream.sendMessage(hello);
    const reply = await reader.next();
    await conn.sendMessage(reply.value && reply.value.type === 'json' ? reply.value.value : { type: 'proof', proof: '' });
    upstream.cancel();
  });
  try {
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: listener.port!, code: enrollment.code, stepTimeoutMs: 5000 }), 'PAIRING_CODE_WRONG');
    assert.deepEqual(seen, ['hello']);
    assert.deepEqual(refused, ['PAIRING_CODE_WRONG']);
    assert.equal(requests.length, 0);
  } finally {
    listener.cancel({ force: true });
    await enrollment.close();
  }
});

test('pairing MITM: with the root fingerprint pinned (from the QR code), the impostor gets nothing at all', async () => {
  const { listener, seen } = await impostor(async () => { /* never reached */ });
  const rootFingerprint = (await pairingCa()).certificate.fingerprintSha256;
  try {
    await rejectsWithCode(() => enroll({ host: '127.0.0.1', port: listener.port!, code: 'K7QM-2XDA', rootFingerprint }), 'PIN_MISMATCH');
    assert.deepEqual(seen, []);
  } finally {
    listener.cancel({ force: true });
  }
});
