/**
 * One side of the process bench (`bench/process/suite.ts` starts it, pinned to a core where taskset
 * exists). argv: role (server|client), impl (raw|localtls), workload (full|resumed|hook), ops, port.
 * Credentials come as PEM in the environment (LT_BENCH_CHAIN, LT_BENCH_KEY, LT_BENCH_CA).
 * A server prints `{"port":N}` and, when stdin closes, `{"cpuUs":N}`. A client prints one JSON line:
 * ops, seconds, cpuUs (user+sys of this process), resumed (how many were resumed), protocol.
 */
import { connect as tlsConnect, createSecureContext, createServer as tlsServer, type TLSSocket } from 'node:tls';
import { Certificate } from '../../src/cert/certificate.js';
import { Identity } from '../../src/identity/identity.js';
import { connect, createListener, SessionCache } from '../../src/index.js';

const [role, impl, workload, opsText, portText] = process.argv.slice(2) as [string, string, string, string, string];
const HOST = '127.0.0.1';
const chainPem = process.env.LT_BENCH_CHAIN!;
const keyPem = process.env.LT_BENCH_KEY!;
const caPem = process.env.LT_BENCH_CA!;
const cpuUs = () => { const u = process.cpuUsage(); return u.user + u.system; };

async function server(): Promise<void> {
  let port: number;
  let close: () => void;
  if (impl === 'raw') {
    const s = tlsServer({ cert: chainPem, key: keyPem, minVersion: 'TLSv1.3' }, (socket) => { socket.on('error', () => {}); setImmediate(() => socket.end()); });
    s.on('tlsClientError', () => {});
    await new Promise<void>((r) => s.listen(0, HOST, r));
    port = (s.address() as { port: number }).port;
    close = () => s.close();
  } else {
    const listener = createListener({ identity: Identity.fromPEM(chainPem, keyPem), port: 0, host: HOST });
    listener.on('connection', (conn) => { void conn.send(new Uint8Array(0), { final: true }).catch(() => {}); });
    await listener.ready;
    port = listener.port;
    close = () => listener.cancel();
  }
  const start = cpuUs();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { process.stdout.write(`${JSON.stringify({ cpuUs: cpuUs() - start })}\n`); close(); process.exit(0); });
}

async function rawClient(port: number, ops: number): Promise<{ resumed: number; protocol: string }> {
  const context = createSecureContext({ ca: caPem, minVersion: 'TLSv1.3' });
  let session: Buffer | undefined;
  let resumed = 0;
  let protocol = '';
  for (let i = 0; i < ops; i++) {
    await new Promise<void>((resolve, reject) => {
      const socket: TLSSocket = tlsConnect({ host: HOST, port, secureContext: context, servername: undefined, ...(workload === 'resumed' && session ? { session } : {}) });
      socket.on('session', (s: Buffer) => { session = s; });
      socket.once('secureConnect', () => { if (socket.isSessionReused()) resumed++; protocol = socket.getProtocol() ?? ''; });
      socket.on('error', reject);
      socket.on('data', () => {});
      socket.on('close', () => resolve());
    });
  }
  return { resumed, protocol };
}

async function localtlsClient(port: number, ops: number): Promise<{ resumed: number; protocol: string }> {
  const trustRoots = [Certificate.fromPEMBundle(caPem)[0]!];
  const cache = new SessionCache();
  let resumed = 0;
  let protocol = '';
  for (let i = 0; i < ops; i++) {
    const conn = connect(HOST, port, {
      trustRoots, sessionCache: workload === 'resumed' ? cache : new SessionCache(),
      ...(workload === 'hook' ? { verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted } : {}),
    });
    await conn.ready;
    if (conn.tls?.resumed) resumed++;
    protocol = conn.tls?.protocol ?? '';
    await conn.receive({ min: 1 });
    conn.cancel();
  }
  return { resumed, protocol };
}

async function client(): Promise<void> {
  const ops = Number(opsText);
  const port = Number(portText);
  const start = cpuUs();
  const t0 = process.hrtime.bigint();
  const { resumed, protocol } = impl === 'raw' ? await rawClient(port, ops) : await localtlsClient(port, ops);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ ops, seconds, cpuUs: cpuUs() - start, resumed, protocol })}\n`);
  process.exit(0);
}

await (role === 'server' ? server() : client());
