/**
 * Pairing a tablet with the front desk over the network: the front desk shows a one-time code,
 * the tablet makes its own key, proves the code, and receives a CA-signed identity and the root.
 * A wrong code is refused; the paired tablet then talks mutual TLS with the front desk.
 * Run: `npx tsc -p . && node dist/examples/pairing.js`
 */
import { CertificateAuthority, connect, createListener, enroll, startEnrollment, type Connection } from '../src/index.js';

const watchdog = setTimeout(() => { console.error('pairing: timed out'); process.exit(1); }, 25_000);
watchdog.unref();

// --- the front desk: a CA and an enrollment endpoint for one device
const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
const enrollment = await startEnrollment({
  ca, host: '127.0.0.1',
  approve: (request) => {
    console.log(`front desk: ${request.commonName} asks to join from ${request.remoteAddress}; approved as client`);
    return { profile: 'client' };
  },
});
console.log(`front desk: pairing code ${enrollment.code}, root ${enrollment.rootFingerprint.slice(0, 23)}…, port ${enrollment.port}`);

let paired: Awaited<ReturnType<typeof enroll>>;
try {
  // --- the tablet: a typo first, then the right code
  const typo = enrollment.code.startsWith('2') ? `3${enrollment.code.slice(1)}` : `2${enrollment.code.slice(1)}`;
  await enroll({ host: '127.0.0.1', port: enrollment.port, code: typo }).then(
    () => { throw new Error('a wrong code paired a device'); },
    (error: { code: string }) => console.log(`tablet: wrong code refused (${error.code})`),
  );
  paired = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code, hosts: ['tablet-3.local'] });
  console.log(`tablet: paired as ${paired.identity.certificate.subject}, root ${paired.root.subject}; its key never left it`);
  await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code }).then(
    () => { throw new Error('a code paired twice'); },
    (error: { code: string }) => console.log(`second device, same code: refused (${error.code})`),
  );
} finally {
  await enrollment.close();
}

// --- the paired tablet talks to the front desk's listener over mutual TLS
const listener = createListener({ identity: await ca.issue({ hosts: ['127.0.0.1'] }), port: 0, host: '127.0.0.1', requireClientCertificate: true, trustRoots: [ca.certificate] });
listener.on('connection', (conn: Connection) => {
  conn.sendMessage({ welcome: conn.tls!.peerCertificates[0]!.subject }).finally(() => conn.cancel());
});
await listener.ready;
try {
  const conn = connect('127.0.0.1', listener.port!, { identity: paired.identity, trustRoots: [paired.root] });
  const reply = await conn.messages().next();
  console.log(`tablet: mutual TLS with the front desk: ${JSON.stringify(reply.value?.type === 'json' ? reply.value.value : null)}`);
  conn.cancel();
} finally {
  listener.cancel({ force: true });
}
console.log('pairing: OK');
