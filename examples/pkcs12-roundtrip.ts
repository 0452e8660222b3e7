/**
 * Moving an identity as a password-protected PKCS#12 file (.p12): written in both profiles,
 * described without the password, read back, checked against Node's own loader, a wrong password
 * refused, and the imported identity used to serve a verified connection.
 * (Better still, the key need not move at all: see examples/restaurant/pki.ts for the CSR way.)
 * Run: `npx tsc -p . && node dist/examples/pkcs12-roundtrip.js`
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { CertificateAuthority, connect, createListener, Identity, inspectPKCS12, isLocalTlsError, type Listener } from '../src/index.js';

const watchdog = setTimeout(() => { console.error('pkcs12-roundtrip: timed out'); process.exit(1); }, 20_000);
watchdog.unref();

const dir = await mkdtemp(join(tmpdir(), 'localtls-p12-'));
const password = 'correct horse battery staple';
let server: Listener | undefined;

try {
  const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
  const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });

  for (const profile of ['compatible', 'modern'] as const) {
    // On the CA machine: write the file (key, leaf and CA certificate inside).
    const file = join(dir, `front-desk-${profile}.p12`);
    await writeFile(file, await identity.toPKCS12(password, { profile, friendlyName: 'Front Desk' }), { mode: 0o600 });

    // Anywhere: what is in it, without the password.
    const bytes = await readFile(file);
    const info = inspectPKCS12(bytes);
    console.log(`${profile}: ${bytes.length} bytes; profile ${info.profile}; MAC ${info.mac.algorithm} × ${info.mac.iterations}; ` +
      `OpenSSL 3/Node read it: ${info.nativeOpenSSL3}; iOS < 18 reads it: ${info.appleBefore18}`);

    // On the server: read it back.
    const imported = await Identity.fromPKCS12(bytes, password);
    const same = imported.certificate.fingerprintSha256 === identity.certificate.fingerprintSha256 && imported.privateKey.matches(identity.certificate);
    console.log(`  read back: ${imported.friendlyName}, ${imported.chain.length} certificates, same leaf and key: ${same}`);
    if (!same) throw new Error('round trip changed the identity');

    // Node's native loader (OpenSSL) reads the same bytes.
    createSecureContext({ pfx: bytes, passphrase: password });
    console.log('  node:tls createSecureContext({ pfx }) reads it too');
  }

  // A wrong password is an error with a code, not a garbled identity.
  const wrong = await Identity.fromPKCS12(await readFile(join(dir, 'front-desk-compatible.p12')), 'wrong').then(() => undefined, (e: unknown) => e);
  if (!isLocalTlsError(wrong, 'BAD_PASSWORD')) throw new Error('expected BAD_PASSWORD');
  console.log(`wrong password: ${wrong.code}`);

  // The imported identity serves a connection the client verifies by name.
  const imported = await Identity.fromPKCS12(await readFile(join(dir, 'front-desk-compatible.p12')), password);
  server = createListener({ identity: imported, host: '127.0.0.1', port: 0 });
  server.on('connection', (conn) => conn.cancel());
  await server.ready;
  const conn = connect('listener-name.local', server.port, { trustRoots: [ca.certificate], lookup: () => ['127.0.0.1'] });
  await conn.ready;
  console.log(`listener with the imported identity: verified ${conn.tls?.protocol} connection to ${conn.tls?.peerCertificates[0]?.subject}`);
  conn.cancel();
  console.log('pkcs12-roundtrip: OK');
} finally {
  server?.cancel({ force: true });
  await rm(dir, { recursive: true, force: true });
}
