/**
 * send() resolves when the data is accepted: at once while the socket's buffer has room, else once
 * the data went to the kernel. Awaiting each send is therefore backpressure (a peer that stops
 * reading stops the sender), and nothing accepted is lost or reordered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener, type Connection } from '../../src/index.js';
import { closeListener, fixtures, freshCache, readAll, sleep } from './fixtures.js';

const KiB = 1024;
const MiB = 1024 * KiB;

test('2,000 awaited small sends all arrive, in order, before the final one', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  const received = new Promise<Buffer>((resolve, reject) => { listener.on('connection', (conn: Connection) => { readAll(conn).then(resolve, reject); }); });
  await listener.ready;
  const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
  try {
    await conn.ready;
    const COUNT = 2000;
    const record = new Uint8Array(64);
    const view = new DataView(record.buffer);
    for (let i = 0; i < COUNT; i++) {
      view.setUint32(0, i);
      await conn.send(record); // one buffer, reused as soon as each send resolved
    }
    await conn.send(new Uint8Array(0), { final: true });
    const data = await received;
    assert.equal(data.length, COUNT * 64, 'every accepted byte arrived');
    for (let i = 0; i < COUNT; i++) assert.equal(data.readUInt32BE(i * 64), i, `record ${i} in its place`);
  } finally {
    conn.cancel();
    await closeListener(listener);
  }
});

test('awaiting each send stops when the peer stops reading (bounded, then flowing again)', async () => {
  const { ca, server } = await fixtures();
  const listener = createListener({ identity: server, port: 0, host: '127.0.0.1' });
  let peer: Connection | undefined;
  listener.on('connection', (conn: Connection) => { peer = conn; }); // reads nothing until told
  await listener.ready;
  const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
  const CHUNK = new Uint8Array(64 * KiB);
  const LIMIT = 2000; // 125 MiB: far more than loopback's socket buffers and the peer's 1 MiB receive buffer
  let accepted = 0;
  let stop = false;
  try {
    await conn.ready;
    const sending = (async () => {
      while (!stop && accepted < LIMIT) { await conn.send(CHUNK); accepted++; }
    })();
    sending.catch(() => {});
    // Bounded wait for the sender to stall: the count stops moving.
    let last = -1;
    for (let i = 0; i < 40 && accepted !== last; i++) { last = accepted; await sleep(150); }
    assert.equal(accepted, last, 'the sender stalled while nobody read');
    assert.ok(accepted * CHUNK.length < 64 * MiB, `at most the buffers' worth was accepted (${accepted} chunks of 64 KiB)`);
    assert.ok(accepted < LIMIT);
    // The peer reads: the sender moves again.
    const stalledAt = accepted;
    assert.ok(peer, 'the listener handed out the connection');
    const reading = readAll(peer!);
    reading.catch(() => {});
    for (let i = 0; i < 40 && accepted <= stalledAt + 4; i++) await sleep(50);
    assert.ok(accepted > stalledAt + 4, `sending resumed once the peer read (${stalledAt} → ${accepted})`);
    stop = true;
    await sending;
  } finally {
    stop = true;
    conn.forceCancel();
    await closeListener(listener);
  }
});
