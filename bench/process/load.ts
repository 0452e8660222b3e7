/**
 * Load generator of the `workers` bench (bench/suites/workers.ts starts it as its own process):
 * `node load.js PORT OPS INFLIGHT` runs OPS full TLS 1.3 handshakes against 127.0.0.1:PORT with
 * INFLIGHT at a time, using plain node:tls with one SecureContext and native `ca` verification
 * (LT_BENCH_CA) — the cheapest correct client, so the server side is what is measured. Prints one
 * JSON line: ops, seconds, cpuUs (user+sys of this process), failures, protocol.
 */
import { connect, createSecureContext } from 'node:tls';

const [portText, opsText, inflightText] = process.argv.slice(2) as [string, string, string];
const port = Number(portText);
const ops = Number(opsText);
const inflight = Number(inflightText);
const context = createSecureContext({ ca: process.env.LT_BENCH_CA!, minVersion: 'TLSv1.3' });
let started = 0;
let failures = 0;
let protocol = '';

function one(): Promise<void> {
  return new Promise<void>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, secureContext: context });
    socket.once('secureConnect', () => { protocol = socket.getProtocol() ?? ''; });
    socket.on('error', () => { failures++; });
    socket.on('data', () => {});
    socket.on('close', () => resolve());
  });
}

async function lane(): Promise<void> {
  while (started < ops) { started++; await one(); }
}

const u0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
await Promise.all(Array.from({ length: Math.min(inflight, ops) }, lane));
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
const u = process.cpuUsage(u0);
process.stdout.write(`${JSON.stringify({ ops, seconds, cpuUs: u.user + u.system, failures, protocol })}\n`);
process.exit(0);
