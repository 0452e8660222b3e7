/**
 * Transport: localtls Listener/connect next to raw node:tls in the same run, on 127.0.0.1.
 *
 * Rows (ours / raw node:tls):
 * - full handshakes/s, TLS 1.3: our connect → our listener vs tls.connect → tls.Server (Node's own
 *   verification: `ca` + default checkServerIdentity). Resumption off on both sides.
 * - full handshakes/s, TLS 1.2: both clients against the same raw server capped at TLS 1.2 (the
 *   listener has no version cap), so the row measures the client side.
 * - resumed handshakes/s (1.2 and 1.3): ours resumes by default (session cache); raw passes the
 *   saved `session` by hand (raw Node's default does not resume).
 * - verify hook calling ctx.evaluate(): full TLS 1.3 handshakes with the hook vs raw.
 * - bulk MiB/s client→server and server→client (16 MiB per operation over one connection).
 * - 64-byte echo round trip p50 / p99 (µs).
 * - memory per 1,000 idle connections (both ends in this process), heap + external, after GC.
 */
import { once } from 'node:events';
import { connect as tlsConnect, createServer as tlsServer, type Server, type TLSSocket } from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CertificateAuthority } from '../../src/ca/index.js';
import { connect, createListener, SessionCache, type Connection, type Listener } from '../../src/index.js';
import { compare, customRow, type Row, type Suite } from '../harness.js';

const HOST = '127.0.0.1';
const BULK = 16 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 7);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function rawServer(options: object, onSocket: (s: TLSSocket) => void): Promise<{ server: Server; port: number }> {
  const server = tlsServer(options, (s) => { s.on('error', () => {}); onSocket(s); });
  server.on('tlsClientError', () => {});
  server.listen(0, HOST);
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

async function sinkAndEcho(s: { on(e: 'data', f: (d: Buffer) => void): unknown }, echo: (d: Buffer) => void, sink: () => void): Promise<void> {
  s.on('data', (d) => { if (d[0] === 0x65 /* 'e' */ && d.length === 64) echo(d); else sink(); });
}

export const transportSuite: Suite = {
  name: 'transport',
  async run(): Promise<Row[]> {
    const ca = await CertificateAuthority.create({ commonName: 'Bench CA' });
    const identity = await ca.issue({ hosts: ['listener-name.local', HOST] });
    const rootPem = ca.certificate.toPEM();
    const rows: Row[] = [];

    // Servers: our listener, a raw TLS 1.3-capable server, a raw TLS 1.2-only server.
    const listener: Listener = createListener({ identity, port: 0, host: HOST });
    let download = 0;
    listener.on('connection', (conn: Connection) => {
      void (async () => {
        try {
          for await (const chunk of conn) {
            // Like the raw server's s.write(d): hand the echo over without waiting for the flush
            // (a failed write surfaces through the connection's state, never unhandled).
            if (chunk.length === 64 && chunk[0] === 0x65) void conn.send(chunk);
            else if (chunk.length === 1 && chunk[0] === 0x64 /* 'd' */) { for (let sent = 0; sent < download; sent += CHUNK.length) await conn.send(CHUNK); }
          }
        } catch { /* closed */ }
      })();
    });
    await listener.ready;
    const raw13 = await rawServer({ ...identity.tlsOptions() }, (s) => {
      s.on('data', (d: Buffer) => {
        if (d.length === 64 && d[0] === 0x65) s.write(d);
        else if (d.length === 1 && d[0] === 0x64) { const go = (sent: number): void => { while (sent < download) { sent += CHUNK.length; if (!s.write(CHUNK)) { s.once('drain', () => go(sent)); return; } } }; go(0); }
      });
    });
    const raw12 = await rawServer({ ...identity.tlsOptions(), maxVersion: 'TLSv1.2' }, (s) => s.resume());
    void sinkAndEcho;

    const ours = (port: number, extra: object = {}) => async () => {
      const c = connect(HOST, port, { trustRoots: [ca.certificate], ...extra });
      await c.ready;
      c.forceCancel();
    };
    const raw = (port: number, extra: object = {}) => async () => {
      const s = tlsConnect({ host: HOST, port, ca: rootPem, ...extra });
      s.on('error', () => {});
      await once(s, 'secureConnect');
      s.destroy();
    };
    const noResume = { resumption: false };
    rows.push(await compare({ name: 'full handshake TLS 1.3 (pair)', unit: 'handshakes/s', ours: ours(listener.port, noResume), baseline: raw(raw13.port), baselineName: 'raw node:tls', iterations: 40 }));
    rows.push(await compare({ name: 'full handshake TLS 1.2 (client side)', unit: 'handshakes/s', ours: ours(raw12.port, noResume), baseline: raw(raw12.port), baselineName: 'raw node:tls', iterations: 40 }));

    for (const [label, port, max] of [['TLS 1.3 (pair)', listener.port, 'TLSv1.3'], ['TLS 1.2 (client side)', raw12.port, 'TLSv1.2']] as const) {
      const cache = new SessionCache();
      let session: Buffer | undefined;
      const rawResumed = async () => {
        const s = tlsConnect({ host: HOST, port: port === listener.port ? raw13.port : port, ca: rootPem, maxVersion: max, ...(session ? { session } : {}) });
        s.on('error', () => {});
        s.on('session', (x: Buffer) => { session = x; });
        await once(s, 'secureConnect');
        if (max === 'TLSv1.3' && !s.isSessionReused()) await Promise.race([once(s, 'session'), new Promise((r) => setTimeout(r, 50))]);
        s.destroy();
      };
      const oursResumed = async () => {
        const c = connect(HOST, port, { trustRoots: [ca.certificate], sessionCache: cache });
        await c.ready;
        if (!c.tls!.resumed && cache.size === 0) await new Promise((r) => setTimeout(r, 20));
        c.forceCancel();
      };
      rows.push(await compare({ name: `resumed handshake ${label}`, unit: 'handshakes/s', ours: oursResumed, baseline: rawResumed, baselineName: 'raw node:tls, session passed by hand', iterations: 40 }));
    }

    rows.push(await compare({
      name: 'full handshake TLS 1.3 + verify hook calling ctx.evaluate()', unit: 'handshakes/s',
      ours: ours(listener.port, { ...noResume, verify: async (ctx: { evaluate(): Promise<{ trusted: boolean }> }) => (await ctx.evaluate()).trusted }),
      baseline: raw(raw13.port), baselineName: 'raw node:tls (ca + checkServerIdentity)', iterations: 40,
    }));

    // Bulk and echo over one long-lived connection each.
    const conn = connect(HOST, listener.port, { trustRoots: [ca.certificate] });
    await conn.ready;
    const rawSock = tlsConnect({ host: HOST, port: raw13.port, ca: rootPem });
    await once(rawSock, 'secureConnect');
    let rawReceived = 0;
    let rawWaiter: (() => void) | undefined;
    let rawTarget = 0;
    rawSock.on('data', (d: Buffer) => { rawReceived += d.length; if (rawWaiter && rawReceived >= rawTarget) { const w = rawWaiter; rawWaiter = undefined; w(); } });
    const rawUntil = (n: number) => new Promise<void>((r) => { rawTarget = n; if (rawReceived >= n) r(); else rawWaiter = r; });

    // client → server: the server side counts what arrives through its own socket in both cases.
    const upload = (write: (b: Buffer) => Promise<void> | boolean) => async () => { for (let sent = 0; sent < BULK; sent += CHUNK.length) await write(CHUNK); };
    const oursUp = upload((b) => conn.send(b));
    const rawUp = upload((b) => (rawSock.write(b) ? Promise.resolve() : once(rawSock, 'drain').then(() => undefined)));
    const up = await compare({ name: 'bulk client→server', unit: 'ops/s', ours: oursUp, baseline: rawUp, baselineName: 'raw node:tls', iterations: 3, rounds: 3 });
    rows.push(customRow('bulk client→server (16 MiB writes)', 'MiB/s', up.ours * 16, up.baseline * 16, 'raw node:tls'));

    download = BULK;
    const oursDown = async () => { await conn.send(Buffer.from('d')); let got = 0; while (got < BULK) got += (await conn.receive({ min: 1, max: 1 << 20 })).data.length; };
    const rawDown = async () => { const start = rawReceived; rawSock.write(Buffer.from('d')); await rawUntil(start + BULK); };
    const down = await compare({ name: 'bulk server→client', unit: 'ops/s', ours: oursDown, baseline: rawDown, baselineName: 'raw node:tls', iterations: 3, rounds: 3 });
    rows.push(customRow('bulk server→client (16 MiB)', 'MiB/s', down.ours * 16, down.baseline * 16, 'raw node:tls'));

    const ping = Buffer.alloc(64, 0x65);
    const oursRtt: number[] = [];
    const rawRtt: number[] = [];
    // Request/response as an app writes it, and as the raw side does: send, then wait for the reply
    // (the raw side does not wait for its write callback either).
    const oursEcho = async (samples?: number[]) => { const t = process.hrtime.bigint(); void conn.send(ping); await conn.receive({ min: 64, max: 64 }); samples?.push(Number(process.hrtime.bigint() - t) / 1000); };
    const rawEcho = async (samples?: number[]) => { const t = process.hrtime.bigint(); const start = rawReceived; rawSock.write(ping); await rawUntil(start + 64); samples?.push(Number(process.hrtime.bigint() - t) / 1000); };
    // Warm-up, untimed, after the bulk rows (their garbage must not land in one side's samples), then
    // interleaved rounds with the order alternating (ours, raw, raw, ours, ...).
    gc();
    for (let i = 0; i < 300; i++) { await oursEcho(); await rawEcho(); }
    for (let round = 0; round < 4; round++) {
      const sides = round % 2 === 0 ? [() => oursEcho(oursRtt), () => rawEcho(rawRtt)] : [() => rawEcho(rawRtt), () => oursEcho(oursRtt)];
      for (const side of sides) for (let i = 0; i < 500; i++) await side();
    }
    rows.push(customRow('64-byte echo round trip p50', 'µs', percentile(oursRtt, 50), percentile(rawRtt, 50), 'raw node:tls', false));
    rows.push(customRow('64-byte echo round trip p99', 'µs', percentile(oursRtt, 99), percentile(rawRtt, 99), 'raw node:tls', false));
    conn.cancel();
    rawSock.destroy();

    // Memory per 1,000 idle connections (client and server ends both live in this process).
    const measure = async (open: () => Promise<() => void>): Promise<number> => {
      gc(); gc();
      const before = process.memoryUsage();
      const closers: (() => void)[] = [];
      for (let i = 0; i < 1000; i++) closers.push(await open());
      await new Promise((r) => setTimeout(r, 200));
      gc(); gc();
      const after = process.memoryUsage();
      for (const close of closers) close();
      await new Promise((r) => setTimeout(r, 300));
      return ((after.heapUsed + after.external) - (before.heapUsed + before.external)) / (1024 * 1024);
    };
    const idle = createListener({ identity, port: 0, host: HOST });
    idle.on('connection', () => {});
    await idle.ready;
    const memCache = new SessionCache();
    const oursMem = await measure(async () => { const c = connect(HOST, idle.port, { trustRoots: [ca.certificate], sessionCache: memCache }); await c.ready; return () => c.forceCancel(); });
    let rawSession: Buffer | undefined;
    const rawIdle = await rawServer({ ...identity.tlsOptions() }, () => {});
    const rawMem = await measure(async () => {
      const s = tlsConnect({ host: HOST, port: rawIdle.port, ca: rootPem, ...(rawSession ? { session: rawSession } : {}) });
      s.on('error', () => {}); s.on('session', (x: Buffer) => { rawSession = x; });
      await once(s, 'secureConnect');
      return () => s.destroy();
    });
    rows.push(customRow('memory per 1,000 idle connections (both ends)', 'MiB', oursMem, rawMem, 'raw node:tls', false));

    idle.cancel({ force: true });
    listener.cancel({ force: true });
    raw13.server.close();
    raw12.server.close();
    rawIdle.server.close();
    return rows;
  },
};
