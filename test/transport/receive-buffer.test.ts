/**
 * ReceiveBuffer hot path (issue 13): a large chunk goes to the reader as it came (no copy), small
 * chunks are still merged, a `min` larger than the first chunk still gets one merged buffer, and a
 * Reader (async iteration) is told of a failure before its promise rejects.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReceiveBuffer } from '../../src/transport/receive-buffer.js';
import { ConnectionError } from '../../src/errors.js';

const flow = { pause: () => {}, resume: () => {} };

test('a waiting reader gets the 16 KiB chunk itself; buffered full records are handed out one by one, uncopied', async () => {
  const buf = new ReceiveBuffer(1 << 20, flow);
  const a = new Uint8Array(16384).fill(1);
  const pending = buf.receive(1, 65536);
  buf.push(a);
  assert.equal((await pending).data, a, 'the same object: no copy');
  const b = new Uint8Array(16384).fill(2);
  const c = new Uint8Array(16384).fill(3);
  buf.push(b);
  buf.push(c);
  assert.equal((await buf.receive(1, 65536)).data, b);
  assert.equal((await buf.receive(1, 65536)).data, c);
});

test('small chunks are merged up to max; a min above the first chunk gets one buffer of the bytes in order', async () => {
  const buf = new ReceiveBuffer(1 << 20, flow);
  buf.push(Uint8Array.of(1, 2));
  buf.push(Uint8Array.of(3));
  buf.push(Uint8Array.of(4, 5));
  assert.deepEqual([...(await buf.receive(1, 4)).data], [1, 2, 3, 4]);
  const big = new Uint8Array(16384).fill(9);
  buf.push(big);
  const { data } = await buf.receive(3, 1 << 20);
  assert.equal(data.length, 16385);
  assert.equal(data[0], 5);
  assert.equal(data[16384], 9);
});

test('a Reader maps the value and hears of the failure before its promise rejects', async () => {
  const buf = new ReceiveBuffer(1 << 20, flow);
  const seen: string[] = [];
  const reader = { map: (d: Uint8Array, done: boolean) => `${d.length}:${done}`, failed: () => { seen.push('failed'); } };
  buf.push(Uint8Array.of(1, 2, 3));
  assert.equal(await buf.read(1, 10, reader), '3:false');
  const pending = buf.read(1, 10, reader);
  const error = new ConnectionError('CONNECTION_RESET', 'reset');
  buf.fail(error);
  await assert.rejects(pending, (e: unknown) => e === error && seen[0] === 'failed');
  const buf2 = new ReceiveBuffer(1 << 20, flow);
  buf2.push(Uint8Array.of(7));
  buf2.end();
  assert.equal(await buf2.read(1, 10, reader), '1:true');
});
