/**
 * Child process for min-version.test: run with NODE_OPTIONS=--tls-min-v1.0. Prints one JSON line:
 * whether a raw node:tls server (control) and a localtls listener accepted a TLS 1.0/1.1 client,
 * and what connect() reports against a TLS 1.1-only server.
 */
import { connect as tlsConnect, createServer, type Server } from 'node:tls';
import { CertificateAuthority } from '../../src/ca/index.js';
import { connect, createListener } from '../../src/index.js';

const OLD = { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

function tryOld(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...OLD });
    socket.on('secureConnect', () => { resolve(`accepted ${socket.getProtocol()}`); socket.destroy(); });
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(`refused ${e.code}`));
    setTimeout(() => { resolve('timeout'); socket.destroy(); }, 3000).unref();
  });
}

const ca = await CertificateAuthority.create({ commonName: 'Floor CA' });
const identity = await ca.issue({ hosts: ['127.0.0.1'] });
const control: Server = createServer({ ...identity.tlsOptions(), ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => { s.on('error', () => {}); setTimeout(() => s.destroy(), 200); });
control.on('tlsClientError', () => {});
await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
const controlResult = await tryOld((control.address() as { port: number }).port);

const listener = createListener({ identity, port: 0, host: '127.0.0.1' });
const listenerErrors: string[] = [];
listener.on('handshakeError', (e: { code: string }) => listenerErrors.push(e.code));
await listener.ready;
const ours = await tryOld(listener.port);

const old: Server = createServer({ ...identity.tlsOptions(), ...OLD }, (s) => s.destroy());
old.on('tlsClientError', () => {});
await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
const conn = connect('127.0.0.1', (old.address() as { port: number }).port, { trustRoots: [ca.certificate] });
const client = await conn.ready.then(() => 'ready', (e: { code: string }) => e.code);

listener.cancel({ force: true });
control.close();
old.close();
console.log(JSON.stringify({ nodeOptions: process.env.NODE_OPTIONS, control: controlResult, listener: ours, listenerErrors, client }));
