import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Certificate, CertificateAuthority, hostToSan, parseSigningRequest, createSigningRequest } from '../../src/index.js';
import { fuzzParameters, mutate, onlyLocalTlsErrors, onlyLocalTlsErrorsAsync, type Mutation } from './fuzz-helpers.js';
import { throwsWithCode } from '../helpers/assert-error.js';

const ca = await CertificateAuthority.create({ commonName: 'Fuzz CA', nameConstraints: 'local' });
const leaf = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20', '::1'], clientAuth: true });
const { csrPem } = await createSigningRequest({ hosts: ['tablet.local'] });
const csrDer = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'insert', 'overwrite'),
  at: fc.nat(), value: fc.nat(255), length: fc.nat(64),
});

test('DER certificate parsing: mutated certificates only ever raise LocalTlsError', () => {
  const seeds = [leaf.certificate.toDER(), ca.certificate.toDER()];
  fc.assert(fc.property(fc.nat(1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, mutations) => {
    const input = mutations.reduce<Uint8Array>((bytes, m) => mutate(bytes, m), seeds[which]!);
    onlyLocalTlsErrors(() => {
      const cert = Certificate.from(input);
      // whatever parses must be usable: every getter works
      void cert.publicKey; void cert.isSelfSigned; void cert.toPEM(); void String(cert);
    });
  }), fuzzParameters);
});

test('PEM parsing: mutated PEM text and random strings only ever raise LocalTlsError', () => {
  const pem = leaf.toPEM().certificatePem;
  fc.assert(fc.property(fc.nat(pem.length), fc.string({ maxLength: 12 }), fc.nat(3), (at, insert, mode) => {
    const text = mode === 0 ? pem.slice(0, at) : mode === 1 ? pem.slice(0, at) + insert + pem.slice(at) : mode === 2 ? insert : pem.slice(at);
    onlyLocalTlsErrors(() => Certificate.fromPEMBundle(text));
  }), fuzzParameters);
});

test('host strings: arbitrary text gives a SAN or INVALID_HOST, never anything else', () => {
  const hostish = fc.stringMatching(/^[a-zA-Z0-9.:*\-\[\]%\u3002\u00fc]{0,40}$/);
  fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 40 }), hostish, fc.ipV4(), fc.ipV6(), fc.domain()), (host) => {
    try {
      const san = hostToSan(host);
      assert.ok(san.type === 'dns' || san.type === 'ip');
      assert.deepEqual(hostToSan(san.value), san, 'normalisation is idempotent');
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'INVALID_HOST');
    }
  }), fuzzParameters);
});

test('CSR signing: mutated CSRs are refused with LocalTlsError or signed only when their signature still verifies', async () => {
  await fc.assert(fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (mutations) => {
    const input = mutations.reduce<Uint8Array>((bytes, m) => mutate(bytes, m), new Uint8Array(csrDer));
    await onlyLocalTlsErrorsAsync(async () => {
      parseSigningRequest(input);
      await ca.sign(input);
    });
  }), { ...fuzzParameters, numRuns: Math.min(fuzzParameters.numRuns, 10_000) });
});

test('50,000-level nested ASN.1 is MALFORMED without a stack overflow; oversized input is INPUT_TOO_LARGE before parsing', () => {
  let inner = new Uint8Array([0x05, 0x00]);
  for (let i = 0; i < 50_000; i++) {
    const len = inner.length;
    const lengthBytes = len < 128 ? [len] : len < 256 ? [0x81, len] : len < 65536 ? [0x82, len >> 8, len & 255] : [0x83, len >> 16, (len >> 8) & 255, len & 255];
    const out = new Uint8Array(1 + lengthBytes.length + len);
    out[0] = 0x30; out.set(lengthBytes, 1); out.set(inner, 1 + lengthBytes.length);
    inner = out;
  }
  throwsWithCode(() => Certificate.from(inner), 'MALFORMED');
  throwsWithCode(() => parseSigningRequest(inner), 'MALFORMED');
  const huge = new Uint8Array(2 * 1024 * 1024);
  huge[0] = 0x30;
  const error = throwsWithCode(() => Certificate.from(huge), 'INPUT_TOO_LARGE');
  assert.match(error.message, /expected at most 1048576 bytes; found 2097152/);
  throwsWithCode(() => Certificate.from(leaf.certificate.toDER(), { maxBytes: 100 }), 'INPUT_TOO_LARGE');
  throwsWithCode(() => Certificate.fromPEMBundle('x'.repeat(17 * 1024 * 1024)), 'INPUT_TOO_LARGE');
});
