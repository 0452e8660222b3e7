/** RC2 (RFC 2268 test vectors), the PKCS#12 KDF (vectors cross-checked with `openssl kdf ... PKCS12KDF`), BMPString passwords. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rc2CbcDecrypt, rc2CbcEncrypt, rc2DecryptBlock, rc2EncryptBlock, rc2ExpandKey } from '../../src/identity/pkcs12/rc2.js';
import { kdfSteps, pkcs12Kdf, Slicer, WORKER_THRESHOLD, type KdfHash } from '../../src/identity/pkcs12/kdf.js';
import { bmpPassword, passwordCandidates } from '../../src/identity/pkcs12/password.js';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s.replace(/\s/g, ''), 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// RFC 2268 section 5: key, effective key bits, plaintext, ciphertext.
const RC2_VECTORS: [string, number, string, string][] = [
  ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
  ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
  ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
  ['88', 64, '0000000000000000', '61a8a244adacccf0'],
  ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
  ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
  ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
  ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
];

test('RC2 matches every RFC 2268 test vector, both directions', () => {
  for (const [key, bits, plain, cipher] of RC2_VECTORS) {
    const K = rc2ExpandKey(hex(key), bits);
    const block = hex(plain);
    rc2EncryptBlock(K, block);
    assert.equal(toHex(block), cipher, `encrypt key=${key} bits=${bits}`);
    rc2DecryptBlock(K, block);
    assert.equal(toHex(block), plain, `decrypt key=${key} bits=${bits}`);
  }
});

test('RC2-CBC round-trips and chains blocks', () => {
  const key = hex('0102030405');
  const iv = hex('0001020304050607');
  const data = new Uint8Array(32).map((_, i) => i * 7);
  const enc = rc2CbcEncrypt(key, 40, iv, data);
  assert.notDeepEqual(enc.subarray(0, 8), enc.subarray(8, 16));
  assert.deepEqual(rc2CbcDecrypt(key, 40, iv, enc), data);
  assert.throws(() => rc2ExpandKey(new Uint8Array(0), 40), RangeError);
});

// Expected values from OpenSSL: `openssl kdf -keylen N -kdfopt digest:D -kdfopt hexpass:P -kdfopt hexsalt:S -kdfopt id:I -kdfopt iter:C PKCS12KDF`.
// The first two are also the classic "smeg"/"queeg" vectors published with Bouncy Castle's PKCS#12 tests.
const KDF_VECTORS: { hash: KdfHash; password: string; salt: string; id: number; iter: number; out: string }[] = [
  { hash: 'sha1', password: 'smeg', salt: '0A58CF64530D823F', id: 1, iter: 1, out: '8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3' },
  { hash: 'sha1', password: 'queeg', salt: '1682C0FC5B3F7EC5', id: 1, iter: 1000, out: '483DD6E919D7DE2E8E648BA8F862F3FBFBDC2BCB2C02957F' },
  { hash: 'sha256', password: 'queeg', salt: '1682C0FC5B3F7EC5', id: 3, iter: 1000, out: '2886C84718145A841A2EFE4A91A5E48D50F53B8DEBC34F9883818CCF638E58D39FA4E4A25FEE1ABF' },
  { hash: 'sha512', password: 'queeg', salt: '1682C0FC5B3F7EC5', id: 3, iter: 1000, out: '443B0786AED10E1E2017055E346ADEAACEF6B2488EB7370BDF30EA3B32C1503B45474AC48D589F8F' },
  { hash: 'sha224', password: 'queeg', salt: '1682C0FC5B3F7EC5', id: 3, iter: 1000, out: '704D79A818591C447DBCE0842E43178912725BB4CE99D47CB1CF631D12B4850768BE5A5561586585' },
  { hash: 'sha384', password: 'queeg', salt: '1682C0FC5B3F7EC5', id: 3, iter: 1000, out: '9CBCF7947568933905A3A1416A0DDF5D082A44A786F715C2FD2F674AD41604A2529C59538FA452A4' },
];

test('PKCS#12 KDF matches OpenSSL for SHA-1/224/256/384/512, including multi-block outputs', async () => {
  for (const v of KDF_VECTORS) {
    const out = await pkcs12Kdf(v.hash, bmpPassword(v.password), hex(v.salt), v.id, v.iter, v.out.length / 2);
    assert.equal(toHex(out).toUpperCase(), v.out, `${v.hash} ${v.password} id=${v.id} iter=${v.iter}`);
  }
  // The absent password (empty bytes, no terminator), from `-kdfopt hexpass:`.
  const absent = await pkcs12Kdf('sha1', new Uint8Array(0), hex('0102030405060708'), 3, 2048, 20);
  assert.equal(toHex(absent).toUpperCase(), '02A96A93D81846D839232C0A09E94B1102A70D9E');
});

test('passwords: BMPString with terminator; empty and absent both tried; legacy byte form for non-ASCII', () => {
  assert.equal(toHex(bmpPassword('ab')), '006100620000');
  assert.equal(toHex(bmpPassword('€')), '20ac0000');
  assert.equal(toHex(bmpPassword('🔑')), 'd83ddd110000', 'astral characters become a surrogate pair, as OpenSSL writes them');
  assert.deepEqual(passwordCandidates('').map((c) => toHex(c.bmp)), ['0000', '']);
  assert.deepEqual(passwordCandidates(undefined).map((c) => c.form), ['empty', 'absent']);
  assert.deepEqual(passwordCandidates('pässwörd').map((c) => c.form), ['utf16', 'legacy-bytes']);
  assert.deepEqual(passwordCandidates('plain').map((c) => c.form), ['utf16']);
});

test('the KDF yields to the event loop on long runs', async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const slicer = new Slicer(2);
  await pkcs12Kdf('sha1', bmpPassword('x'), hex('00'), 1, 100_000, 20, slicer);
  clearInterval(timer);
  assert.ok(ticks > 0, 'a 1 ms interval fired during 100,000 iterations');
});

test('long derivations run in a worker thread and give the same bytes as the sliced path', async () => {
  const req = { hash: 'sha256' as const, password: bmpPassword('w'), salt: hex('0102'), id: 1, iterations: WORKER_THRESHOLD, length: 32 };
  const steps = kdfSteps(req);
  let step = steps.next();
  while (!step.done) step = steps.next();
  const before = performance.eventLoopUtilization();
  const viaWorker = await pkcs12Kdf(req.hash, req.password, req.salt, req.id, req.iterations, req.length);
  const elu = performance.eventLoopUtilization(before);
  assert.deepEqual(viaWorker, step.value);
  assert.ok(elu.utilization < 0.5, `event loop utilisation during the derivation: ${elu.utilization.toFixed(2)}`);
});

test('the fast iterated SHA-1/SHA-256 agrees with Node crypto', async () => {
  const { createHash } = await import('node:crypto');
  const { iterateHash } = await import('../../src/identity/pkcs12/hash-iterate.js');
  for (const [hash, size] of [['sha1', 20], ['sha256', 32]] as const) {
    for (const count of [1, 2, 1000]) {
      let expected = new Uint8Array(size).map((_, i) => i * 31 + count);
      const start = expected;
      for (let i = 0; i < count; i++) expected = new Uint8Array(createHash(hash).update(expected).digest());
      assert.deepEqual(iterateHash(hash, start, count), expected, `${hash} x${count}`);
    }
  }
  assert.equal(iterateHash('sha512', new Uint8Array(64), 1), undefined);
});
