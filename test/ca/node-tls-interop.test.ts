import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CertificateAuthority } from '../../src/index.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1', '::1'] });
const servers: Server[] = [];
after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function serve(host: string): Promise<number> {
  const server = createServer({ ...identity.tlsOptions(), minVersion: 'TLSv1.2' }, (socket) => socket.end('receipt'));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

function dial(options: { host: string; port: number; servername?: string; ca?: string }): Promise<{ authorized: boolean; data: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect({ ...options, ...(options.ca ? { ca: options.ca } : {}), minVersion: 'TLSv1.2' }, () => {
      let data = '';
      socket.on('data', (d) => (data += d));
      socket.on('end', () => resolve({ authorized: socket.authorized, data }));
    });
    socket.on('error', (e) => resolve({ authorized: false, data: '', error: (e as NodeJS.ErrnoException).code ?? e.message }));
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

test('a plain node:tls client trusting only the root accepts our leaf by name and by IP (v4 and v6)', async () => {
  const port4 = await serve('127.0.0.1');
  const port6 = await serve('::1');
  const rootPem = ca.certificate.toPEM();
  assert.deepEqual(await dial({ host: '127.0.0.1', port: port4, servername: 'listener-name.local', ca: rootPem }), { authorized: true, data: 'receipt' });
  assert.deepEqual(await dial({ host: '127.0.0.1', port: port4, ca: rootPem }), { authorized: true, data: 'receipt' });
  assert.deepEqual(await dial({ host: '::1', port: port6, ca: rootPem }), { authorized: true, data: 'receipt' });
  const untrusted = await dial({ host: '127.0.0.1', port: port4, servername: 'listener-name.local' });
  assert.equal(untrusted.error, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  const wrongName = await dial({ host: '127.0.0.1', port: port4, servername: 'other.local', ca: rootPem });
  assert.equal(wrongName.error, 'ERR_TLS_CERT_ALTNAME_INVALID');
});
