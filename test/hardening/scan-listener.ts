/**
 * The listener testssl.sh scans (test/hardening/scanner.slow.test.ts). Runs inside the test's
 * network namespace (`ip netns exec NS node scan-listener.js CA_FILE`): makes a CA and a server
 * identity, writes the CA's root to CA_FILE (so testssl can check the chain), listens on
 * 127.0.0.1 with an echo app, prints {"port": N} and runs until stdin ends. Not a test file itself.
 *
 * Refuses to run when any non-loopback interface exists, so it can never listen on a real network.
 */
import { writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { CertificateAuthority } from '../../src/ca/index.js';
import { createListener } from '../../src/transport/index.js';

const external = Object.values(networkInterfaces()).flat().filter((i) => i && !i.internal);
if (external.length > 0) {
  process.stderr.write(`scan-listener: refusing to run outside a loopback-only namespace (found ${external.map((i) => i!.address).join(', ')})\n`);
  process.exit(2);
}
const caFile = process.argv[2];
if (!caFile) { process.stderr.write('usage: scan-listener.js CA_FILE\n'); process.exit(2); }

const ca = await CertificateAuthority.create({ commonName: 'Scanner Test CA' });
const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
writeFileSync(caFile, ca.certificate.toPEM());
const listener = createListener({ identity, port: 0, host: '127.0.0.1' });
listener.on('connection', (conn) => {
  void (async () => { for await (const chunk of conn) await conn.send(chunk); })().catch(() => {}).finally(() => conn.cancel());
});
await listener.ready;
process.stdout.write(`${JSON.stringify({ port: listener.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => { listener.cancel({ force: true }); setTimeout(() => process.exit(0), 100); });
