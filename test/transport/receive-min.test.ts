import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener } from '../../src/index.js';
import { ReceiveBuffer } from '../../src/transport/receive-buffer.js';
import { closeListener, fixtures, freshCache } from './fixtures.js';

const MiB = 1024 * 1024;

test('receive({ min }) above the high-water mark: the paused source resumes and the receive resolves', async () => {
  const events: string[] = [];
  const buf = new ReceiveBuffer(MiB, { pause: () => events.push('pause'), resume: () => events.push('resume') });
  buf.push(new Uint8Array(MiB));
  assert.deepEqual(events, ['pause'], 'no reader yet: paused at the mark');
  const pending = buf.receive(2 * MiB, 4 * MiB);
  assert.deepEqual(events, ['pause', 'resume'], 'a reader needs more than the mark: flowing again');
  buf.push(new Uint8Array(MiB / 2));
  assert.deepEqual(events, ['pause', 'resume'], 'still starving: stays flowing');
  buf.push(new Uint8Array(MiB / 2));
  const { data } = await pending;
  assert.equal(data.length, 2 * MiB);
  buf.push(new Uint8Array(MiB));
  assert.deepEqual(events, ['pause', 'resume', 'pause'], 'no reader again: paused at the mark');
});

test('receive({ min: 2 MiB }) over a real connection while the peer sent 3 MiB resolves with 2 MiB', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  listener.on('connection', (conn) => { void conn.send(new Uint8Array(3 * MiB).fill(7)).catch(() => {}); });
  await listener.ready;
  const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
  try {
    await conn.ready;
    // Let the first megabyte arrive and the buffer pause before the large receive is asked for.
    const first = await conn.receive({ min: 1, max: 1 });
    assert.equal(first.data.length, 1);
    const { data } = await conn.receive({ min: 2 * MiB, max: 2 * MiB });
    assert.equal(data.length, 2 * MiB);
    assert.ok(data.every((b) => b === 7));
  } finally {
    conn.cancel();
    await closeListener(listener);
  }
});
