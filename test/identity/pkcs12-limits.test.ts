/**
 * Hostile and damaged files: truncation, trailing data, iteration bombs (refused before any
 * derivation), the event loop during a 1,000,000-iteration import, and 10,000 random mutations
 * of valid files where nothing but LocalTlsError may escape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LocalTlsError } from '../../src/errors.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import { decodePKCS12 } from '../../src/identity/pkcs12/decode.js';
import { encodePKCS12Parts } from '../../src/identity/pkcs12/encode.js';
import { inspectPKCS12 } from '../../src/identity/pkcs12/inspect.js';
import { parsePfx } from '../../src/identity/pkcs12/pfx.js';
import { algorithm, explicit, int, nullValue, objectId, octetString, seq } from '../../src/identity/pkcs12/asn1.js';
import { OID } from '../../src/identity/pkcs12/oids.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/assert-error.js';
import { PASSWORD, vector } from './pkcs12-vectors.js';

/** The same file with its MacData replaced by one declaring `iterations`. */
function withMacIterations(p12: Uint8Array, iterations: number): Uint8Array {
  const { authSafe } = parsePfx(p12);
  const mac = seq(seq(algorithm(OID.sha256, nullValue()), octetString(new Uint8Array(32))), octetString(new Uint8Array(8)), int(iterations));
  return seq(int(3), seq(objectId(OID.data), explicit(0, octetString(authSafe))), mac);
}

test('truncated files and trailing data are MALFORMED, wherever the cut falls', async () => {
  const p12 = vector('legacy.p12');
  for (const length of [0, 1, 2, 5, 40, 300, p12.length >> 1, p12.length - 30, p12.length - 1]) {
    const error = await rejectsWithCode(() => decodePKCS12(p12.subarray(0, length), PASSWORD), 'MALFORMED');
    assert.match(error.message, /^PKCS#12: /);
    throwsWithCode(() => inspectPKCS12(p12.subarray(0, length)), 'MALFORMED');
  }
  const trailing = await rejectsWithCode(() => decodePKCS12(new Uint8Array([...p12, 0, 0]), PASSWORD), 'MALFORMED');
  assert.match(trailing.message, /2 bytes of trailing data/);
  const pem = await rejectsWithCode(() => decodePKCS12(new TextEncoder().encode('-----BEGIN CERTIFICATE-----\nMIIB\n'), PASSWORD), 'MALFORMED');
  assert.match(pem.message, /found PEM text/);
});

test('absurd sizes are INPUT_TOO_LARGE before parsing', async () => {
  const huge = new Uint8Array(9 * 1024 * 1024);
  huge[0] = 0x30;
  await rejectsWithCode(() => decodePKCS12(huge, PASSWORD), 'INPUT_TOO_LARGE');
});

test('a file declaring 3,000,000,000 iterations is refused in under 50 ms', async () => {
  const bomb = withMacIterations(vector('iter1.p12'), 3_000_000_000);
  const start = performance.now();
  const error = await rejectsWithCode(() => decodePKCS12(bomb, PASSWORD), 'ITERATIONS_TOO_HIGH');
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 50, `refused in ${elapsed.toFixed(1)} ms`);
  assert.match(error.message, /declares 3000000000 iterations; expected at most 2000000/);
  assert.equal(inspectPKCS12(bomb).mac.iterations, 3_000_000_000, 'inspect still describes it');
  // Even an INTEGER beyond 2^53 is refused, not mis-read.
  const bigger = withMacIterations(vector('iter1.p12'), 2 ** 60);
  await rejectsWithCode(() => decodePKCS12(bigger, PASSWORD), 'ITERATIONS_TOO_HIGH');
});

test('maxIterations applies to the MAC, encrypted contents and encrypted keys', async () => {
  const legacy = await rejectsWithCode(() => decodePKCS12(vector('legacy.p12'), PASSWORD, { maxIterations: 1000 }), 'ITERATIONS_TOO_HIGH');
  assert.match(legacy.message, /MAC \(HMAC-SHA-1\) declares 2048 iterations; expected at most 1000/);
  const nomac = await rejectsWithCode(() => decodePKCS12(vector('nomac.p12'), PASSWORD, { maxIterations: 1000 }), 'ITERATIONS_TOO_HIGH');
  assert.match(nomac.message, /PBES2 .* declares 2048 iterations; expected at most 1000/);
  const key = await rejectsWithCode(() => decodePKCS12(vector('nomac-legacy.p12'), PASSWORD, { maxIterations: 1000 }), 'ITERATIONS_TOO_HIGH');
  assert.match(key.message, /encrypted private key/);
  // A raised cap lets a trusted file through.
  assert.equal((await decodePKCS12(vector('iter1m.p12'), PASSWORD, { maxIterations: 1_000_000 })).privateKey.algorithm, 'ecdsa-p256');
});

test('during a 1,000,000-iteration import a 10 ms interval keeps firing (no gap over 100 ms)', async (t) => {
  const p12 = vector('iter1m.p12');
  let last = performance.now();
  let maxGap = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 10);
  const start = performance.now();
  const eluBefore = performance.eventLoopUtilization();
  try {
    const decoded = await decodePKCS12(p12, PASSWORD);
    assert.equal(decoded.integrity.iterations, 1_000_000);
  } finally {
    clearInterval(timer);
  }
  const elapsed = performance.now() - start;
  // Load-independent evidence that the work is off the event loop: the loop is mostly idle.
  const elu = performance.eventLoopUtilization(eluBefore).utilization;
  assert.ok(elu < 0.25, `event loop utilisation during the import: ${elu.toFixed(3)}`);
  maxGap = Math.max(maxGap, performance.now() - last);
  t.diagnostic(`import took ${elapsed.toFixed(0)} ms; event loop utilisation ${elu.toFixed(3)}; interval fired ${ticks} times; largest gap ${maxGap.toFixed(1)} ms`);
  assert.ok(ticks >= 5, `the interval fired ${ticks} times in ${elapsed.toFixed(0)} ms`);
  // A blocking import shows one gap as long as the import; a loaded machine adds scheduling gaps, so
  // the bound is half the import's time (at least 100 ms), which a blocking import can never meet.
  const bound = Math.max(100, elapsed / 2);
  assert.ok(maxGap <= bound, `largest gap between interval ticks: ${maxGap.toFixed(1)} ms; expected at most ${bound.toFixed(0)} ms (import took ${elapsed.toFixed(0)} ms)`);
});

test('property: 10,000 mutations of valid files; only LocalTlsError escapes (decode and inspect)', async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Fuzz CA' });
  const id = await ca.issue({ hosts: ['fuzz.local'] });
  const parts = { keyPkcs8: id.privateKey.toPKCS8(), keyAttributes: { localKeyId: Uint8Array.of(7), friendlyName: 'f' }, certificates: id.chain.map((c, i) => (i === 0 ? { der: c.der, localKeyId: Uint8Array.of(7) } : { der: c.der })), password: 'pw', iterations: 1 };
  const seeds: { bytes: Uint8Array; password: string }[] = [
    { bytes: vector('iter1.p12'), password: PASSWORD },
    { bytes: vector('nomac-none.p12'), password: PASSWORD },
    { bytes: await encodePKCS12Parts({ ...parts, profile: 'compatible' }), password: 'pw' },
    { bytes: await encodePKCS12Parts({ ...parts, profile: 'compatible', mac: 'none' }), password: 'pw' },
    { bytes: await encodePKCS12Parts({ ...parts, profile: 'modern', mac: 'none' }), password: 'pw' },
    { bytes: await encodePKCS12Parts({ ...parts, profile: 'modern', mac: 'pbmac1' }), password: 'pw' },
  ];
  for (const s of seeds) await decodePKCS12(s.bytes, s.password, { maxIterations: 5000 }); // all valid

  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 16 }) }),
  );
  const escaped: unknown[] = [];
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (seedIndex, mutations) => {
      const seed = seeds[seedIndex]!;
      let bytes = Array.from(seed.bytes);
      for (const m of mutations) {
        const at = m.at % Math.max(bytes.length, 1);
        if (m.kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ (1 << m.bit);
        else if (m.kind === 'set') bytes[at] = m.value;
        else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
        else if (m.kind === 'insert') bytes.splice(at, 0, ...m.bytes);
        else bytes.splice(at, m.count);
      }
      const input = Uint8Array.from(bytes);
      for (const run of [() => decodePKCS12(input, seed.password, { maxIterations: 5000 }), async () => inspectPKCS12(input)]) {
        try {
          await run();
        } catch (error) {
          if (!(error instanceof LocalTlsError)) { escaped.push(error); return false; }
          if (error.message.includes(seed.password) && seed.password.length > 2) { escaped.push(error); return false; }
        }
      }
      return true;
    }),
    { numRuns: 10_000, seed: 0x10ca1, endOnFailure: true },
  );
  assert.deepEqual(escaped, []);
});
