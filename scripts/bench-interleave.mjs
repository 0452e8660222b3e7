// Client CPU per resumed TLS 1.3 handshake, measured in ONE client process: two localtls builds
// (A, B) and raw node:tls take turns connection by connection (the order rotates), against a
// server child (`bench/process/child.js server <raw|localtls> resumed`, pinned to core 0 where
// taskset exists). Interleaving cancels this machine's drift between processes (±30 %), so it can
// resolve ~15 µs between two builds; it cannot show cache-footprint costs, which only separate
// processes see (docs/performance.md, "Counted, not timed"). Diagnostic tooling, not a test.
//
//   npm run build && mkdir -p .ab && rm -rf .ab/A && cp -r dist .ab/A   # A: the build before a change
//   (change the code) && npm run build                                     # B: the build in dist
//   taskset -c 1 node --expose-gc scripts/bench-interleave.mjs "$PWD/.ab/A" "$PWD/dist" 2100
// Environment: SRV=raw|localtls (server, default raw); ONLY=A|B|R (one client alone, for
// per-process figures); WARM (unmeasured handshakes first, default 2500); SRV_WRAP (a command,
// split on spaces, that the server runs under: e.g. cachegrind, to count the server's side).
// Run it both ways round (A/B swapped): the first-loaded build measured ~15–40 µs cheaper in some runs.
// Under cachegrind (deterministic instruction and simulated-cache counts; run N=100 and N=400 and
// subtract to get one handshake):
//   ONLY=B SRV=localtls valgrind --tool=cachegrind --cache-sim=yes --smc-check=all-non-file \
//     node --expose-gc scripts/bench-interleave.mjs "$PWD/.ab/A" "$PWD/dist" 400
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import tls from 'node:tls';

const [dirA, dirB, countText] = process.argv.slice(2);
const N = Number(countText);
if (!dirA || !dirB || !Number.isInteger(N) || N < 1 || N > 100_000) {
  console.error('usage: node --expose-gc scripts/bench-interleave.mjs <dist A> <dist B> <handshakes 1..100000>');
  process.exit(2);
}
const WARM = Math.min(Number(process.env.WARM ?? 2500), 100_000);
const ONLY = process.env.ONLY;
const A = await import(`${dirA}/src/index.js`);
const B = await import(`${dirB}/src/index.js`);
const ca = await A.CertificateAuthority.create({ commonName: 'Interleave CA' });
const identity = await ca.issue({ hosts: ['127.0.0.1'] });
const pem = identity.tlsOptions();
const env = { ...process.env, LT_BENCH_CHAIN: String(pem.cert), LT_BENCH_KEY: String(pem.key), LT_BENCH_CA: ca.certificate.toPEM(), LT_BENCH_QUICK: '0' };
const serverArgs = [`${dirA}/bench/process/child.js`, 'server', process.env.SRV ?? 'raw', 'resumed', '0', '0'];
const pinned = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const serverCommand = [...(pinned ? ['taskset', '-c', '0'] : []), ...(process.env.SRV_WRAP?.split(' ').filter(Boolean) ?? []), process.execPath, ...serverArgs];
const server = spawn(serverCommand[0], serverCommand.slice(1), { env, stdio: ['pipe', 'pipe', 'inherit'] });
// A wrapper that is not installed (or a bad SRV_WRAP) ends the run with its name, not an unhandled 'error'.
server.on('error', (error) => { console.error(`cannot start the server (${serverCommand[0]}): ${error.message}`); process.exit(2); });
const lines = createInterface({ input: server.stdout })[Symbol.asyncIterator]();
const { port } = JSON.parse((await lines.next()).value);

const localtls = (lib) => {
  const trustRoots = [lib.Certificate.from(ca.certificate.toPEM())];
  const sessionCache = new lib.SessionCache();
  return async () => {
    const conn = lib.connect('127.0.0.1', port, { trustRoots, sessionCache });
    await conn.ready;
    const resumed = conn.tls.resumed;
    await conn.receive({ min: 1 });
    conn.cancel();
    return resumed;
  };
};
const rawContext = tls.createSecureContext({ ca: ca.certificate.toPEM(), minVersion: 'TLSv1.3' });
let rawSession;
const raw = () => new Promise((resolve, reject) => {
  const socket = tls.connect({ host: '127.0.0.1', port, secureContext: rawContext, servername: undefined, ...(rawSession ? { session: rawSession } : {}) });
  let resumed = false;
  socket.on('session', (s) => { rawSession = s; });
  socket.once('secureConnect', () => { resumed = socket.isSessionReused(); });
  socket.on('error', reject);
  socket.on('data', () => {});
  socket.on('close', () => resolve(resumed));
});
const clients = { A: localtls(A), B: localtls(B), R: raw };
const orders = ONLY ? [[ONLY]] : [['A', 'B', 'R'], ['B', 'R', 'A'], ['R', 'A', 'B']];
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };

for (let i = 0; i < WARM; i++) for (const k of orders[i % orders.length]) await clients[k]();
const samples = { A: [], B: [], R: [] };
let notResumed = 0;
for (let i = 0; i < N; i++) {
  for (const k of orders[i % orders.length]) {
    const before = cpu();
    if (!(await clients[k]())) notResumed++;
    samples[k].push(cpu() - before);
  }
}
const stat = (a) => {
  if (a.length === 0) return null;
  a.sort((x, y) => x - y);
  return { p25: a[a.length >> 2], p50: a[a.length >> 1], mean: Math.round(a.reduce((x, y) => x + y, 0) / a.length) };
};
console.log(JSON.stringify({ cpuUsPerHandshake: { A: stat(samples.A), B: stat(samples.B), raw: stat(samples.R) }, notResumed }));
server.stdin.end();
await new Promise((resolve) => server.on('exit', resolve));
