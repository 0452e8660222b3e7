/**
 * Trust on first use (as SSH's known_hosts) for a device that has no CA of yours, e.g. a printer
 * with a self-made certificate: the first connection asks for approval and records the key; later
 * connections must present the same key; a changed key is refused (KNOWN_HOST_CHANGED) until the
 * entry is removed on purpose. Everything is written under a temporary directory, removed at the end.
 * Run: `npx tsc -p . && node dist/examples/tofu.js`
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CertificateAuthority, connect, createListener, isLocalTlsError, KnownHosts, tofu, type TofuApproval } from '../src/index.js';

const watchdog = setTimeout(() => { console.error('tofu: timed out'); process.exit(1); }, 20_000);
watchdog.unref();

const dir = await mkdtemp(join(tmpdir(), 'localtls-tofu-'));
const file = join(dir, 'known_hosts.json');

// The "printer": its own throwaway CA, which the client has never seen.
const printerCa = await CertificateAuthority.create({ commonName: 'Printer Factory CA' });
const listener = createListener({ identity: await printerCa.issue({ hosts: ['printer.local'] }), host: '127.0.0.1', port: 0 });
listener.on('connection', (conn) => { void conn.sendMessage({ status: 'ready to print' }).finally(() => conn.cancel()); });
await listener.ready;

let asked = 0;
const approve = (info: TofuApproval): boolean => {
  asked += 1;
  // A real app shows this to a person, who compares it with the device's screen or label.
  console.log(`  approve? ${info.host}:${info.port} certificate SHA-256 ${info.fingerprintSha256.slice(0, 23)}… → yes`);
  return true;
};
const verify = tofu({ file, approve });
const dial = () => connect('printer.local', listener.port, { lookup: () => ['127.0.0.1'], verify, systemRoots: false, resumption: false });
const outcome = async (conn: ReturnType<typeof dial>): Promise<string> => {
  try {
    await conn.ready;
    const reply = await conn.messages().next();
    return `accepted, printer says ${JSON.stringify(reply.value?.type === 'json' ? reply.value.value : null)}`;
  } catch (error) {
    return isLocalTlsError(error) ? `refused (${error.code}, ${String(error.details?.trustCode)})` : `failed: ${String(error)}`;
  } finally {
    conn.cancel();
  }
};

try {
  console.log(`first connection: ${await outcome(dial())}`);
  console.log(`second connection (no question asked): ${await outcome(dial())}`);
  const known = await KnownHosts.open({ file });
  for (const h of await known.list()) console.log(`known host: ${h.host}:${h.port} sha256/${h.spkiSha256}`);

  // The printer is reset and makes a new key: the recorded key no longer matches.
  listener.setIdentity(await printerCa.issue({ hosts: ['printer.local'] }));
  const changed = await outcome(dial());
  console.log(`after the printer changed its key: ${changed}`);
  if (!changed.includes('KNOWN_HOST_CHANGED')) throw new Error('expected KNOWN_HOST_CHANGED');

  // Someone checks the new fingerprint out of band and removes the old entry: first use again.
  await known.remove('printer.local', listener.port);
  console.log(`after removing the entry: ${await outcome(dial())}`);
  if (asked !== 2) throw new Error(`expected two approvals, got ${asked}`);
  console.log('tofu: OK');
} finally {
  listener.cancel({ force: true });
  await rm(dir, { recursive: true, force: true });
}
