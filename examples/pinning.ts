/**
 * Public-key pinning: the client accepts the front desk only if it presents a key it already knows
 * (the SHA-256 of the SubjectPublicKeyInfo, `sha256/…`), whatever CA signed it. Shown: the pin
 * alone (no CA needed, any address), a re-keyed server refused with PIN_MISMATCH, and a planned
 * rotation to a backup key pinned in advance, here also requiring the CA and the name.
 * Run: `npx tsc -p . && node dist/examples/pinning.js`
 */
import { createHash } from 'node:crypto';
import {
  CertificateAuthority, connect, createListener, createSigningRequest, Identity, isLocalTlsError, pinnedKeys, PrivateKey, spkiSha256, type TrustResult,
} from '../src/index.js';

const watchdog = setTimeout(() => { console.error('pinning: timed out'); process.exit(1); }, 20_000);
watchdog.unref();

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
const identity = await ca.issue({ hosts: ['listener-name.local'] });
const pin = spkiSha256(identity.certificate);
console.log(`front desk key pin: sha256/${pin}`);

const listener = createListener({ identity, host: '127.0.0.1', port: 0 });
listener.on('connection', (conn) => { void conn.sendMessage({ served: conn.tls?.protocol }).finally(() => conn.cancel()); });
await listener.ready;

const lookup = () => ['127.0.0.1'];
const refusal = (e: unknown) => (isLocalTlsError(e) ? e.code : String(e));
const rejected: TrustResult[] = [];
const onReject = (result: TrustResult) => { rejected.push(result); };

try {
  // 1. The pin alone: no trust roots, dialed by address; the key decides.
  const conn = connect('127.0.0.1', listener.port, { verify: pinnedKeys([pin], { onReject }), systemRoots: false });
  await conn.ready;
  console.log(`pinned key, dialing 127.0.0.1 without trust roots: accepted (${conn.tls?.protocol})`);
  conn.cancel();

  // 2. The server gets a new key (same CA, same name): the old pin refuses it.
  listener.setIdentity(await ca.issue({ hosts: ['listener-name.local'] }));
  const stale = connect('127.0.0.1', listener.port, { verify: pinnedKeys([pin], { onReject }), systemRoots: false });
  const error = await stale.ready.then(() => undefined, (e: unknown) => e);
  if (!error) throw new Error('expected a re-keyed server to be refused');
  console.log(`server re-keyed, old pin: refused (${refusal(error)})`);
  console.log(`  why: ${rejected.at(-1)?.error?.code}`);

  // 3. Planned rotation: make the next key now and pin it as a backup next to the current one.
  const backupKey = await PrivateKey.generate();
  const backupPin = createHash('sha256').update(backupKey.spki()).digest('base64');
  const pins = [spkiSha256(listener.identity.certificate), backupPin];
  const strict = pinnedKeys(pins, { policy: { kind: 'ssl', hostname: 'listener-name.local' }, onReject }); // pin AND chain AND name
  const before = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup, verify: strict });
  await before.ready;
  console.log('pins [current, backup] + SSL policy, before rotation: accepted');
  before.cancel();

  // Rotate: the front desk makes a CSR with the backup key; the CA signs it.
  const { csrPem } = await createSigningRequest({ hosts: ['listener-name.local'], privateKey: backupKey });
  const signed = await ca.sign(csrPem);
  listener.setIdentity(Identity.fromParts({ certificates: signed.chain, privateKey: backupKey }));
  const after = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup, verify: strict });
  await after.ready;
  const presented = after.tls?.peerCertificates[0];
  console.log(`after rotation to the backup key: accepted (presented sha256/${presented ? spkiSha256(presented) : '?'})`);
  after.cancel();
  if (presented && spkiSha256(presented) !== backupPin) throw new Error('expected the backup key');
  console.log('pinning: OK');
} finally {
  listener.cancel({ force: true });
}
