/**
 * Load generator for test/hardening/load.slow.test.ts, run as a child process so the clients have
 * their own event loop, CPU and file-descriptor limit. Not a test file itself.
 *
 * Usage: node load-client.js '<json>' with { host, port, caPem, count, mode, concurrency? }:
 * - mode 'burst': starts `count` connect() calls at once; prints {"event":"started"} once all are
 *   under way, then {"event":"done", ok, failed: {code: n}, unclean, ms} and exits.
 * - mode 'idle': opens `count` connections (at most `concurrency` handshakes in flight), prints
 *   {"event":"progress", open} every 1,000 and {"event":"held", open, failed} at the end, then
 *   holds them until stdin ends (or a line 'close'), closes them all, prints {"event":"closed"}
 *   and exits.
 * Loopback only: refuses any host other than 127.0.0.1 or ::1.
 */
import { createInterface } from 'node:readline';
import { connect, type Connection } from '../../src/index.js';
import { LocalTlsError } from '../../src/errors.js';

interface Config { host: string; port: number; caPem: string; count: number; mode: 'burst' | 'idle'; concurrency?: number; handshakeTimeout?: number }
const config = JSON.parse(process.argv[2] ?? '{}') as Config;
if (config.host !== '127.0.0.1' && config.host !== '::1') {
  process.stderr.write('load-client: loopback only\n');
  process.exit(2);
}
const out = (e: Record<string, unknown>): void => { process.stdout.write(`${JSON.stringify(e)}\n`); };
const options = { trustRoots: [config.caPem], systemRoots: false, resumption: false, handshakeTimeout: config.handshakeTimeout ?? 30_000, connectTimeout: 30_000 };

async function burst(): Promise<void> {
  const start = Date.now();
  const failed: Record<string, number> = {};
  let ok = 0;
  let unclean = 0;
  const all: Promise<void>[] = [];
  for (let i = 0; i < config.count; i++) {
    const conn = connect(config.host, config.port, options);
    all.push(conn.ready.then(
      () => { ok++; conn.cancel(); },
      (error: unknown) => {
        if (error instanceof LocalTlsError && conn.state === 'failed') failed[error.code] = (failed[error.code] ?? 0) + 1;
        else unclean++;
      },
    ));
  }
  out({ event: 'started' });
  await Promise.all(all);
  out({ event: 'done', ok, failed, unclean, ms: Date.now() - start });
}

async function idle(): Promise<void> {
  const open: Connection[] = [];
  let failed = 0;
  const firstFailures: string[] = [];
  let next = 0;
  const limit = config.concurrency ?? 200;
  const worker = async (): Promise<void> => {
    while (next < config.count) {
      next++;
      const conn = connect(config.host, config.port, options);
      try {
        await conn.ready;
        open.push(conn);
        if (open.length % 1000 === 0) out({ event: 'progress', open: open.length });
      } catch (error) {
        failed++;
        if (firstFailures.length < 5) firstFailures.push(error instanceof LocalTlsError ? `${error.code}: ${error.message}` : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  const stillOpen = open.filter((c) => c.state === 'ready').length;
  out({ event: 'held', open: stillOpen, failed, firstFailures });
  const rl = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => { rl.on('line', (line) => { if (line.trim() === 'close') resolve(); }); rl.on('close', () => resolve()); });
  const dropped = open.filter((c) => c.state !== 'ready').length;
  for (const conn of open) conn.forceCancel();
  out({ event: 'closed', droppedWhileHeld: dropped });
  rl.close();
}

await (config.mode === 'burst' ? burst() : idle());
process.exit(0);
