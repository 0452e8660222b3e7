/**
 * Fuzz target: the message-framing decoder (src/transport/framing.ts), which reads whatever a
 * verified peer sends to `conn.messages()`. Valid streams split at arbitrary points decode to
 * exactly the messages sent; corrupt streams (damaged length prefixes and types, random bytes) only
 * ever raise LocalTlsError MESSAGE_TOO_LARGE or PROTOCOL_ERROR, and never lose the messages that
 * were whole before the damage; no input takes more than a second, however it is chunked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LocalTlsError } from '../../src/errors.js';
import { encodeMessage, MessageDecoder, type Message } from '../../src/transport/framing.js';
import { fuzzParameters, mutate, onlyLocalTlsErrors, type Mutation } from './fuzz-helpers.js';

/** A message as the sender passes it to sendMessage(): bytes, or a JSON value. */
type Sent = { kind: 'bytes'; data: Uint8Array } | { kind: 'json'; value: unknown };

const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const sent: fc.Arbitrary<Sent> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((data) => ({ kind: 'bytes' as const, data })),
  jsonValue.map((value) => ({ kind: 'json' as const, value })),
);

/** The encoded stream and where each frame ends. */
function encodeAll(messages: readonly Sent[], max: number): { stream: Uint8Array; ends: number[] } {
  const frames = messages.map((m) => encodeMessage(m.kind === 'bytes' ? m.data : m.value, max));
  const ends: number[] = [];
  let offset = 0;
  for (const f of frames) { offset += f.length; ends.push(offset); }
  return { stream: Buffer.concat(frames), ends };
}

/** Splits `stream` at the given cut points (any order, duplicates give empty chunks). */
function chunk(stream: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((c) => (stream.length === 0 ? 0 : c % (stream.length + 1))).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of points) { out.push(stream.subarray(from, p)); from = p; }
  out.push(stream.subarray(from));
  return out;
}

function same(received: Message, expected: Sent): void {
  if (expected.kind === 'bytes') {
    assert.equal(received.type, 'bytes');
    assert.deepEqual(Buffer.from(received.data), Buffer.from(expected.data));
  } else {
    assert.equal(received.type, 'json');
    assert.deepEqual((received as { value: unknown }).value, expected.value);
  }
}

test('framing: valid streams split at arbitrary points decode to exactly the messages sent (no loss, no reordering)', () => {
  fc.assert(fc.property(fc.array(sent, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 40 }), (messages, cuts) => {
    const max = 1 << 16;
    const { stream } = encodeAll(messages, max);
    const decoder = new MessageDecoder(max);
    const received: Message[] = [];
    const start = performance.now();
    for (const piece of chunk(stream, cuts)) received.push(...decoder.push(piece));
    assert.ok(performance.now() - start < 1000);
    assert.equal(received.length, messages.length);
    received.forEach((m, i) => same(m, messages[i]!));
    assert.equal(decoder.hasPartial, false);
  }), fuzzParameters);
});

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'insert', 'overwrite'),
  at: fc.nat(), value: fc.nat(255), length: fc.nat(64),
});

test('framing: corrupt length prefixes and types raise only MESSAGE_TOO_LARGE / PROTOCOL_ERROR; whole messages before the damage are delivered', () => {
  const codes = new Set(['MESSAGE_TOO_LARGE', 'PROTOCOL_ERROR']);
  // `header` aims the mutation at a frame's 5-byte header (length prefix or type), the interesting bytes.
  fc.assert(fc.property(fc.array(sent, { minLength: 1, maxLength: 8 }), mutation, fc.boolean(), fc.nat(), fc.array(fc.nat(), { maxLength: 30 }), fc.integer({ min: 1, max: 4096 }),
    (messages, m, header, which, cuts, max) => {
      const fitting = messages.filter((x) => (x.kind === 'bytes' ? x.data.length : Buffer.byteLength(JSON.stringify(x.value))) <= max);
      if (fitting.length === 0) return;
      const { stream, ends } = encodeAll(fitting, max);
      const frameStart = [0, ...ends.slice(0, -1)][which % fitting.length]!;
      const at = header ? frameStart + (m.at % 5) : m.at % stream.length;
      const damaged = mutate(stream, { ...m, at });
      const decoder = new MessageDecoder(max);
      const received: Message[] = [];
      onlyLocalTlsErrors(() => {
        try {
          for (const piece of chunk(damaged, cuts)) received.push(...decoder.push(piece));
        } catch (error) {
          assert.ok(error instanceof LocalTlsError && codes.has(error.code), `unexpected ${String(error)}`);
          throw error;
        }
      });
      // What was delivered of the messages wholly before the first changed byte is exactly them, in
      // order (a chunk that also holds the damage fails as a whole; the connection fails with it).
      const firstChange = Math.min(at, damaged.length);
      const intact = ends.filter((end) => end <= firstChange).length;
      for (let i = 0; i < Math.min(intact, received.length); i++) same(received[i]!, fitting[i]!);
      if (damaged.length === stream.length && Buffer.compare(Buffer.from(damaged), Buffer.from(stream)) === 0) {
        assert.equal(received.length, fitting.length, 'an unchanged stream decodes completely');
      }
    }), fuzzParameters);
});

test('framing: random bytes with any maximum raise only MESSAGE_TOO_LARGE / PROTOCOL_ERROR', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 20 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (bytes, cuts, max) => {
    const decoder = new MessageDecoder(max);
    onlyLocalTlsErrors(() => {
      try {
        for (const piece of chunk(bytes, cuts)) for (const msg of decoder.push(piece)) assert.ok(msg.data.length <= max);
      } catch (error) {
        assert.ok(error instanceof LocalTlsError && (error.code === 'MESSAGE_TOO_LARGE' || error.code === 'PROTOCOL_ERROR'), `unexpected ${String(error)}`);
        throw error;
      }
    });
  }), fuzzParameters);
});

test('framing: an oversized length prefix fails on the header alone, before any body byte is buffered', () => {
  const decoder = new MessageDecoder(1024);
  const header = Buffer.from([0x00, 0x00, 0x04, 0x01, 0x00]); // 1025 bytes, type 0
  assert.throws(() => decoder.push(header), (e: unknown) => e instanceof LocalTlsError && e.code === 'MESSAGE_TOO_LARGE' && /1025 bytes; the maximum is 1024/.test(e.message));
  const huge = new MessageDecoder(16 * 1024 * 1024);
  assert.throws(() => huge.push(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00])), (e: unknown) => e instanceof LocalTlsError && e.code === 'MESSAGE_TOO_LARGE');
});

// A verified peer chooses how its bytes are split into TLS records (down to one byte each), so the
// decoder must stay linear in the bytes received whatever the chunking: re-joining the whole
// partial message on every chunk made a 16 MiB message in 16 KiB records take over a second, and
// 1 MiB in 1-byte records over 30 s.
for (const [size, piece] of [[16 * 1024 * 1024, 16 * 1024], [256 * 1024, 1]] as const) {
  test(`framing: a ${size >> 10} KiB message arriving in ${piece}-byte chunks decodes in under a second`, () => {
    const frame = encodeMessage(new Uint8Array(size).fill(7), 16 * 1024 * 1024);
    const decoder = new MessageDecoder(16 * 1024 * 1024);
    const start = performance.now();
    const out: Message[] = [];
    for (let i = 0; i < frame.length; i += piece) out.push(...decoder.push(frame.subarray(i, i + piece)));
    const elapsed = performance.now() - start;
    assert.equal(out.length, 1);
    assert.equal(out[0]!.data.length, size);
    assert.equal(out[0]!.data[size - 1], 7);
    assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
  });
}
