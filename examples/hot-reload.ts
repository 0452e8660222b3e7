/**
 * Renewing the listener's identity without dropping anyone: the renewed identity replaces the old
 * one in the IdentityStore under the same label, and `listener.setIdentity()` presents it to new
 * connections. A connection opened before keeps working on its session; a new one sees the new
 * certificate. Everything is written under a temporary directory, removed at the end.
 * Run: `npx tsc -p . && node dist/examples/hot-reload.js`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, connect, createListener, IdentityStore, type Connection, type Listener } from '../src/index.js';

const watchdog = setTimeout(() => { console.error('hot-reload: timed out'); process.exit(1); }, 25_000);
watchdog.unref();

const dir = await mkdtemp(join(tmpdir(), 'localtls-reload-'));
const hosts = ['listener-name.local'];
const lookup = () => ['127.0.0.1'];
const open: Connection[] = [];
let listener: Listener | undefined;

/** Sends one order and returns the echo (one message reader per connection, kept open). */
const readers = new Map<Connection, ReturnType<Connection['messages']>>();
async function roundTrip(conn: Connection, order: unknown): Promise<unknown> {
  if (!readers.has(conn)) readers.set(conn, conn.messages());
  await conn.sendMessage(order);
  const reply = await readers.get(conn)!.next();
  return reply.value?.type === 'json' ? reply.value.value : undefined;
}

try {
  const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
  const store = await IdentityStore.open({ dir: join(dir, 'identities'), passphrase: 'front desk passphrase' });
  await store.add(await ca.issue({ hosts, validityDays: 30 }), { label: 'front-desk' });

  listener = createListener({ identity: await store.get('front-desk'), host: '127.0.0.1', port: 0 });
  listener.on('connection', (conn: Connection) => {
    void (async () => {
      try { for await (const m of conn.messages()) await conn.sendMessage({ echo: m.type === 'json' ? m.value : null }); }
      catch { /* the client went away */ }
      finally { conn.cancel(); }
    })();
  });
  await listener.ready;
  const oldLeaf = listener.identity.certificate;
  console.log(`listening with certificate ${oldLeaf.serialNumber.slice(0, 16)}…, valid until ${oldLeaf.notAfter.toISOString().slice(0, 10)}`);

  const before = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup, resumption: false });
  open.push(before);
  await before.ready;
  console.log(`old connection: ${JSON.stringify(await roundTrip(before, { order: 1 }))}, sees ${before.tls?.peerCertificates[0]?.serialNumber.slice(0, 16)}…`);

  // Renewal: a new certificate (and key), stored under the same label, then presented.
  await store.replace('front-desk', await ca.issue({ hosts, validityDays: 397 }));
  listener.setIdentity(await store.get('front-desk'));
  const newLeaf = listener.identity.certificate;
  console.log(`renewed: now presenting ${newLeaf.serialNumber.slice(0, 16)}…, valid until ${newLeaf.notAfter.toISOString().slice(0, 10)}`);

  const after = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup, resumption: false });
  open.push(after);
  await after.ready;
  const seen = after.tls?.peerCertificates[0];
  console.log(`new connection: ${JSON.stringify(await roundTrip(after, { order: 2 }))}, sees ${seen?.serialNumber.slice(0, 16)}…`);
  if (!seen?.equals(newLeaf)) throw new Error('the new connection should see the renewed certificate');

  const reply = await roundTrip(before, { order: 3 });
  console.log(`old connection still open: ${JSON.stringify(reply)}, state ${before.state}, still on ${before.tls?.peerCertificates[0]?.serialNumber.slice(0, 16)}…`);
  if (before.state !== 'ready' || !before.tls?.peerCertificates[0]?.equals(oldLeaf)) throw new Error('the old connection should be untouched');
  console.log(`listener: ${listener.connectionCount} open connections, ${listener.handshakeErrorCount} refused`);
  console.log('hot-reload: OK');
} finally {
  for (const conn of open) conn.cancel();
  listener?.cancel({ force: true });
  await rm(dir, { recursive: true, force: true });
}
