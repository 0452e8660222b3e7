/**
 * The restaurant flow end to end on loopback, narrated: what `localtls demo` and `npm run demo`
 * run (examples/demo.ts is a thin runner). Uses the public API only; everything it writes goes to
 * a temporary home that is removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CertificateAuthority, connect, createListener, enroll, startEnrollment, Identity, IdentityStore, isLocalTlsError, lintCertificate, LocalTlsError,
  storePaths, TrustStore, type Certificate, type Connection, type ConnectOptions, type Listener,
} from '../index.js';
import { certificateRows, sanText } from './format.js';

/** The pairing step: an enrollment endpoint for one code, and a tablet that joins with it. */
async function pairTablet(ca: CertificateAuthority, print: (line: string) => void): Promise<void> {
  const enrollment = await startEnrollment({ ca, host: '127.0.0.1', approve: () => ({ profile: 'client' }) });
  try {
    print(`   front desk shows: code ${enrollment.code}, root SHA-256 ${enrollment.rootFingerprint.slice(0, 23)}…`);
    const { identity } = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code, hosts: ['tablet-5.local'] });
    print(`   tablet joined: ${identity.certificate.subject}, client certificate until ${identity.certificate.notAfter.toISOString().slice(0, 10)}; its key never left it`);
  } finally {
    await enrollment.close();
  }
}

/** Where the demo writes its narration. */
export interface DemoOptions {
  /** Receives each line of narration. Default: console.log. */
  print?: (line: string) => void;
  /** The port to try first (default 4433); a free port is used when it is taken. */
  port?: number;
}

/** What the demo did, for tests and `--json`. */
export interface DemoResult {
  port: number;
  receipts: unknown[];
  refusal: { code: string; trustCode: string | undefined };
  basicAddress: string | undefined;
}

const SERVER_NAME = 'listener-name.local';
const LABEL = 'front-desk';

function fail(message: string): never {
  throw new LocalTlsError('INVALID_STATE', `demo: ${message}`);
}

/** A listener on `port`, or on any free port when that one is taken. */
async function listen(identity: Identity, host: string, port: number, onConnection: (conn: Connection) => void): Promise<Listener> {
  const attempt = async (p: number) => {
    const listener = createListener({ identity, host, port: p });
    listener.on('connection', onConnection);
    await listener.ready;
    return listener;
  };
  try {
    return await attempt(port);
  } catch (error) {
    if (port !== 0 && isLocalTlsError(error, 'ADDRESS_IN_USE')) return attempt(0);
    throw error;
  }
}

/** The front desk: reads orders (JSON messages) and answers each with a receipt. */
function frontDesk(conn: Connection): void {
  let receipt = 0;
  void (async () => {
    try {
      for await (const message of conn.messages()) {
        if (message.type !== 'json') continue;
        const order = message.value as { table: number; items: string[] };
        receipt += 1;
        await conn.sendMessage({ receipt: `R-${order.table}-${receipt}`, table: order.table, items: order.items, status: 'sent to the kitchen' });
      }
    } catch {
      // a client that went away mid-order: nothing to do at the front desk
    } finally {
      conn.cancel();
    }
  })();
}

/** A waiter's tablet: connects, sends one order, reads the receipt. */
async function placeOrder(host: string, port: number, options: ConnectOptions, order: { table: number; items: string[] }): Promise<unknown> {
  const conn = connect(host, port, { resumption: false, ...options });
  try {
    await conn.ready;
    await conn.sendMessage(order);
    const next = await conn.messages().next();
    if (next.done || next.value.type !== 'json') fail(`expected a receipt from ${host}; the front desk closed without one`);
    return next.value.value;
  } finally {
    conn.cancel();
  }
}

/** A second loopback address the certificate does not list (::1, else 127.0.0.2 on Linux), with a listener on it. */
async function otherAddressListener(identity: Identity): Promise<{ address: string; listener: Listener } | undefined> {
  for (const address of ['::1', '127.0.0.2']) {
    try {
      return { address, listener: await listen(identity, address, 0, frontDesk) };
    } catch {
      // that address does not exist on this machine; try the next
    }
  }
  return undefined;
}

/**
 * Runs the demo and returns what happened; throws (a LocalTlsError) when a step does not behave
 * as the flow says it must.
 *
 * @example
 * ```ts
 * await runDemo({ print: (line) => console.log(line) });
 * ```
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const print = options.print ?? ((line: string) => console.log(line));
  let n = 0;
  const step = (text: string) => print(`\n${++n}. ${text}`);
  const rows = (cert: Certificate) => certificateRows(cert).forEach(([k, v]) => print(`   ${k.padEnd(13)}${v}`));
  const home = await mkdtemp(join(tmpdir(), 'localtls-demo-'));
  const listeners: Listener[] = [];
  try {
    const passphrase = randomBytes(18).toString('base64url');
    step(`Create the local certificate authority on the front-desk machine, in a temporary home (${home}).`);
    print('   P-256, ten years, names limited to local ones. Its key is saved encrypted; `localtls ca create` would ask for the passphrase.');
    const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
    await ca.save(join(home, 'ca'), { passphrase });
    rows(ca.certificate);

    step(`Issue the server identity for ${SERVER_NAME} and 127.0.0.1 (what \`localtls issue ${SERVER_NAME} 127.0.0.1\` does).`);
    const issued = await ca.issue({ hosts: [SERVER_NAME, '127.0.0.1'] });
    rows(issued.certificate);
    const findings = lintCertificate(issued.certificate, { platform: 'apple', hosts: [SERVER_NAME, '127.0.0.1'] });
    print(`   Apple lint   ${findings.length === 0 ? 'clean: iOS and macOS accept it once the root is trusted' : findings.map((f) => `${f.code}: ${f.message}`).join('; ')}`);

    step("Move it to the server as a password-protected PKCS#12 file ('compatible' profile), and read it back.");
    const p12File = join(home, 'front-desk.p12');
    const p12Password = randomBytes(12).toString('base64url');
    await writeFile(p12File, await issued.toPKCS12(p12Password, { profile: 'compatible' }), { mode: 0o600 });
    const imported = await Identity.fromPKCS12(await readFile(p12File), p12Password);
    if (!imported.certificate.equals(issued.certificate)) fail('the PKCS#12 file did not give back the same certificate');
    print(`   wrote ${p12File} (3DES + SHA-1 MAC: every iOS, macOS, Android, Java, Windows and OpenSSL 3 reads it)`);
    print(`   read back: ${imported.certificate.subject}, ${imported.chain.length} certificates, ${imported.privateKey.algorithm} key`);

    step(`Store the identity under the label "${LABEL}" (like a keychain item) and load it back by label at start-up.`);
    const store = await IdentityStore.open({ dir: storePaths(home).identities, passphrase });
    await store.add(imported, { label: LABEL });
    const identity = await store.get(LABEL);
    if (!identity.certificate.equals(issued.certificate)) fail('the store did not give back the same identity');
    print(`   stored in ${store.dir} (encrypted); loaded "${identity.friendlyName}" → ${identity.certificate.subject}`);

    step('Install the CA\'s root on the waiters\' tablets (here: a trust store in the same temporary home).');
    const trust = await TrustStore.open({ dir: storePaths(home).trust });
    await trust.add(ca.certificate);
    const roots = await trust.certificates();
    print(`   trusted ${ca.certificate.subject} (SHA-256 ${ca.certificate.fingerprintSha256.slice(0, 23)}…)`);

    const wanted = options.port ?? 4433;
    step(`Listen with TLS 1.2 or newer on 127.0.0.1, port ${wanted} (or a free port when it is taken).`);
    const listener = await listen(identity, '127.0.0.1', wanted, frontDesk);
    listeners.push(listener);
    const port = listener.port;
    print(`   listening on 127.0.0.1:${port}${port !== wanted ? ` (${wanted} was taken)` : ''} as ${sanText(identity.certificate)}`);

    step(`A tablet connects by name (${SERVER_NAME} → 127.0.0.1 through the \`lookup\` option), verified in full, and sends an order.`);
    const lookup = (host: string) => (host === SERVER_NAME ? ['127.0.0.1'] : []);
    const receipts: unknown[] = [];
    receipts.push(await placeOrder(SERVER_NAME, port, { trustRoots: roots, lookup }, { table: 4, items: ['soup', 'bread'] }));
    print(`   order {table 4: soup, bread} → receipt ${JSON.stringify(receipts[0])}`);

    step('Another tablet connects by IP address (127.0.0.1 is in the certificate) and sends an order.');
    receipts.push(await placeOrder('127.0.0.1', port, { trustRoots: roots }, { table: 7, items: ['risotto'] }));
    print(`   order {table 7: risotto} → receipt ${JSON.stringify(receipts[1])}`);

    step('A tablet without the root installed is refused before any byte of the order moves.');
    let refusal: DemoResult['refusal'] | undefined;
    try {
      await placeOrder(SERVER_NAME, port, { lookup }, { table: 9, items: ['never sent'] });
    } catch (error) {
      if (!isLocalTlsError(error)) throw error;
      refusal = { code: error.code, trustCode: error.details?.trustCode as string | undefined };
      print(`   ${error.code}: ${error.message}`);
      if (error.hint) print(`   hint: ${error.hint}`);
    }
    if (!refusal) fail('a client without the root was not refused');

    step('An address missing from the certificate: the default check refuses it; a verify hook with the basic X.509 policy accepts the chain.');
    let basicAddress: string | undefined;
    const other = await otherAddressListener(identity);
    if (!other) {
      print('   skipped: this machine has neither ::1 nor 127.0.0.2 to listen on');
    } else {
      listeners.push(other.listener);
      basicAddress = other.address;
      const dial = other.address;
      try {
        await placeOrder(dial, other.listener.port, { trustRoots: roots }, { table: 2, items: ['never sent'] });
        fail(`a client dialing ${dial} was not refused, though the certificate does not list it`);
      } catch (error) {
        if (!isLocalTlsError(error, 'CERTIFICATE_VERIFY_FAILED')) throw error;
        print(`   default: ${error.code} (${String(error.details?.trustCode)}): ${error.message}`);
      }
      const receipt = await placeOrder(dial, other.listener.port, {
        trustRoots: roots,
        verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted,
      }, { table: 2, items: ['tiramisu'] });
      receipts.push(receipt);
      print(`   with verify: (ctx) => ctx.evaluate({ kind: 'basicX509' }) → receipt ${JSON.stringify(receipt)}`);
    }

    step('Pair a new tablet over the network (what `localtls pair` and `localtls join` do): a one-time code, a key made on the tablet.');
    await pairTablet(ca, print);

    step('Close the listeners and remove the temporary home.');
    return { port, receipts, refusal, basicAddress };
  } finally {
    for (const l of listeners) l.cancel({ force: true });
    await rm(home, { recursive: true, force: true });
    print(`   removed ${home}`);
  }
}
