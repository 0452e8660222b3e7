/**
 * docs/guide.md, step by step, on one machine: every snippet of the guide runs here in order.
 * The front desk is 127.0.0.1 (standing in for 192.168.1.20) and `lookup` stands in for mDNS.
 * Everything is written under a temporary directory, removed at the end.
 * Run: `npx tsc -p . && node dist/examples/guide-flow.js`
 */
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateAuthority, connect, createListener, createSigningRequest, Identity, IdentityStore, TrustStore, type Listener,
} from '../src/index.js';

const watchdog = setTimeout(() => { console.error('guide-flow: timed out'); process.exit(1); }, 25_000);
watchdog.unref();

const home = await mkdtemp(join(tmpdir(), 'localtls-guide-'));
const passphrase = 'a long passphrase for the CA and the store';
let listener: Listener | undefined;
const step = (n: number, text: string) => console.log(`${n}. ${text}`);

try {
  // 1. Create the CA (once, on the front-desk machine) and keep it, key encrypted.
  const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
  await ca.save(join(home, 'ca'), { passphrase });
  const sameCa = await CertificateAuthority.load(join(home, 'ca'), { passphrase });
  step(1, `CA "${sameCa.certificate.subject}" saved and loaded; fingerprint ${ca.certificate.fingerprintSha256.slice(0, 23)}…`);

  // 2. Issue the server identity: the names and addresses clients dial.
  const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
  step(2, `issued ${identity.certificate.subjectAltNames.map((s) => s.value).join(', ')}, valid until ${identity.certificate.notAfter.toISOString().slice(0, 10)}`);

  // 3a. Move it as PKCS#12 ...
  const p12 = await identity.toPKCS12('p12 password');       // profile 'compatible' by default
  await writeFile(join(home, 'front-desk.p12'), p12, { mode: 0o600 });
  const moved = await Identity.fromPKCS12(await readFile(join(home, 'front-desk.p12')), 'p12 password');
  step(3, `PKCS#12: ${p12.length} bytes, read back ${moved.certificate.subject}`);

  // 3b. ... or better, by CSR: the server makes its key; only the CSR and the certificate travel.
  const { csrPem, privateKey } = await createSigningRequest({ hosts: ['listener-name.local', '127.0.0.1'] });
  const signed = await ca.sign(csrPem);                                        // on the CA
  const serverIdentity = Identity.fromParts({ certificates: signed.chain, privateKey }); // on the server
  step(3, `CSR: signed ${signed.certificate.subject}; the key never left the server`);

  // 4. Store it under a label; load it by label at start-up.
  const store = await IdentityStore.open({ dir: join(home, 'identities'), passphrase });
  await store.add(serverIdentity, { label: 'front-desk' });
  const loaded = await store.get('front-desk');
  step(4, `stored under 'front-desk': ${(await store.list()).map((i) => `${i.label} (${i.hosts.join(', ')})`).join('; ')}`);

  // 5. Listen (TLS 1.2 or newer).
  listener = createListener({ identity: loaded, host: '127.0.0.1', port: 0 });
  listener.on('connection', async (conn) => {
    for await (const message of conn.messages()) {
      if (message.type === 'json') await conn.sendMessage({ received: message.value });
    }
    conn.cancel();
  });
  await listener.ready;
  step(5, `listening on 127.0.0.1:${listener.port}`);

  // 6. Install the root on the client (here: a trust store in the temporary home).
  const trust = await TrustStore.open({ dir: join(home, 'trust') });
  await trust.add(ca.certificate);
  step(6, `root installed in the client's trust store: ${(await trust.list()).map((r) => r.subject).join(', ')}`);

  // 7. Connect by name and by IP: full verification (chain, dates, name or address in the SAN).
  const byName = connect('listener-name.local', listener.port, { trustStore: join(home, 'trust'), lookup: () => ['127.0.0.1'] });
  await byName.ready;
  await byName.sendMessage({ table: 4, items: ['soup'] });
  const reply = await byName.messages().next();
  step(7, `by name: ${byName.tls?.protocol}, reply ${JSON.stringify(reply.value?.type === 'json' ? reply.value.value : null)}`);
  byName.cancel();

  const byIp = connect('127.0.0.1', listener.port, { trustRoots: [ca.certificate] });
  await byIp.ready;
  step(7, `by IP: verified against the address 127.0.0.1 in the certificate (${byIp.tls?.trustResult?.trusted})`);
  byIp.cancel();
  console.log('guide-flow: OK');
} finally {
  listener?.cancel({ force: true });
  await rm(home, { recursive: true, force: true });
}
