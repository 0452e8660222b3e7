/**
 * Dialing an address the certificate does not list. The front desk's certificate names
 * 'listener-name.local' and 192.168.1.20, but today the tablet reaches it at 127.0.0.1 (a new DHCP
 * lease, a second interface, a port forward...). Full verification refuses that — correctly: the
 * certificate does not say it belongs to 127.0.0.1. A verify hook may decide instead, with Apple's
 * basic X.509 policy (chain to the root, dates, CA constraints; no name check).
 * Run: `npx tsc -p . && node dist/examples/verify-by-ip.js`
 */
import { CertificateAuthority, connect, createListener, isLocalTlsError, type TlsVerifyHook } from '../src/index.js';

const watchdog = setTimeout(() => { console.error('verify-by-ip: timed out'); process.exit(1); }, 20_000);
watchdog.unref();

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });
console.log(`certificate lists: ${identity.certificate.subjectAltNames.map((s) => s.value).join(', ')}`);

const listener = createListener({ identity, host: '127.0.0.1', port: 0 });
listener.on('connection', (conn) => { void conn.sendMessage({ hello: 'from the front desk' }).finally(() => conn.cancel()); });
await listener.ready;

try {
  // 1. The default: full verification (SSL policy for the dialed address). Refused.
  const strict = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate] });
  const refusal = await strict.ready.then(() => undefined, (e: unknown) => e);
  if (!isLocalTlsError(refusal)) throw new Error('expected the default verifier to refuse 127.0.0.1');
  console.log(`default verifier, dialing 127.0.0.1: refused (${refusal.code}, ${String(refusal.details?.trustCode)})`);
  console.log(`  hint: ${refusal.hint}`);

  // 2. A verify hook that evaluates the chain with the basic X.509 policy: the chain, the dates and
  //    the CA still count; only the name check is left out, on purpose, for this one connection.
  const basicX509: TlsVerifyHook = async (ctx) => {
    const result = await ctx.evaluate({ kind: 'basicX509' });
    console.log(`  hook: ${ctx.host} presented ${ctx.peerCertificates[0]?.subject}; basic X.509 says trusted=${result.trusted}`);
    return result;   // a TrustResult (or true/false); untrusted refuses the connection
  };
  const conn = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], verify: basicX509 });
  await conn.ready;
  const hello = await conn.messages().next();
  console.log(`basic X.509 hook, dialing 127.0.0.1: accepted; got ${JSON.stringify(hello.value?.type === 'json' ? hello.value.value : null)}`);
  conn.cancel();

  // 3. The same hook still refuses a server whose certificate is not from our CA.
  const stranger = await (await CertificateAuthority.create({ commonName: 'Stranger CA' })).issue({ hosts: ['listener-name.local'] });
  listener.setIdentity(stranger);
  const other = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate], verify: basicX509 });
  const refused = await other.ready.then(() => undefined, (e: unknown) => e);
  if (!isLocalTlsError(refused)) throw new Error('expected the basic X.509 hook to refuse a certificate from another CA');
  console.log(`basic X.509 hook, certificate from another CA: refused (${refused.code}, ${String(refused.details?.trustCode)})`);
  console.log('verify-by-ip: OK');
} finally {
  listener.cancel({ force: true });
}
