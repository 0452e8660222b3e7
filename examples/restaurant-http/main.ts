/**
 * The restaurant over HTTPS: the front desk serves a REST API and a WebSocket order feed on
 * localtls/http's createServer (client certificates required); tablets order with createFetch and
 * their own certificates; the kitchen display watches the feed through agent() + ws. Then a tablet
 * without a certificate and one with another CA's are refused before the front desk reads anything.
 * Run: `npx tsc -p . && node dist/examples/restaurant-http/main.js`
 */
import { WebSocket } from 'ws';
import { CertificateAuthority, isLocalTlsError } from '../../src/index.js';
import { agent, createFetch } from '../../src/http/index.js';
import { setUpRestaurant } from '../restaurant/pki.js';
import type { Receipt } from '../restaurant/front-desk.js';
import { openFrontDesk } from './front-desk.js';

const watchdog = setTimeout(() => { console.error('restaurant-http: timed out'); process.exit(1); }, 25_000);
watchdog.unref();
const log = (line: string) => console.log(line);

const tabletNames = ['tablet-1', 'tablet-2'];
const pki = await setUpRestaurant([...tabletNames, 'kitchen']);
const desk = await openFrontDesk({ identity: pki.frontDesk, root: pki.root, log });
// front-desk.local → 127.0.0.1 here; on a real network the default lookup resolves it by mDNS.
const lookup = () => ['127.0.0.1'];
const base = `https://front-desk.local:${desk.port}`;

/** The kitchen display: a WebSocket on the feed, with its own client certificate. */
const kitchenAgent = agent({ trustRoots: [pki.root], identity: pki.tablets.get('kitchen'), lookup });
const kitchen = new WebSocket(`wss://front-desk.local:${desk.port}/feed`, { agent: kitchenAgent });
const fed: string[] = [];
const allFed = new Promise<void>((resolve, reject) => {
  kitchen.on('message', (data) => { fed.push(String(data)); if (fed.length === 4) resolve(); });
  kitchen.on('error', reject);
});
await new Promise<void>((resolve, reject) => { kitchen.once('open', resolve); kitchen.once('error', reject); });

const tablets = tabletNames.map((name) => ({ name, fetch: createFetch({ trustRoots: [pki.root], identity: pki.tablets.get(name), lookup }) }));
try {
  const menu = await (await tablets[0]!.fetch(`${base}/menu`)).json() as Record<string, number>;
  log(`tablet-1: menu has ${Object.keys(menu).length} dishes`);
  for (const [i, tablet] of tablets.entries()) {
    for (const items of [[{ dish: 'soup', quantity: 2 }, { dish: 'risotto', quantity: 1 }], [{ dish: 'tiramisu', quantity: 2 }]]) {
      const res = await tablet.fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ table: i + 1, items }) });
      const receipt = await res.json() as Receipt;
      if (res.status !== 201 || receipt.tablet !== tablet.name) throw new Error(`unexpected answer ${res.status} ${JSON.stringify(receipt)}`);
      log(`${tablet.name}: ${res.status} receipt ${receipt.receipt} for table ${receipt.table}, ${receipt.total.toFixed(2)} EUR, front desk saw ${receipt.tablet}`);
    }
  }
  await allFed;
  log(`kitchen feed: ${fed.length} orders (${fed.map((m) => (JSON.parse(m) as Receipt).receipt).join(', ')})`);

  // A tablet without a certificate, then one whose certificate comes from another CA.
  const rogueCa = await CertificateAuthority.create({ commonName: 'Someone Else CA' });
  const rogue = await rogueCa.issue({ commonName: 'tablet-rogue', clientAuth: true, serverAuth: false });
  for (const [label, identity] of [['no certificate', undefined], ['certificate from another CA', rogue]] as const) {
    const fetch = createFetch({ trustRoots: [pki.root], identity, lookup });
    const error = await fetch(`${base}/orders`, { method: 'POST', body: JSON.stringify({ table: 9, items: [{ dish: 'soup', quantity: 1 }] }) })
      .then(() => undefined, (e: unknown) => (e as { cause?: unknown }).cause);
    await fetch.close();
    if (!isLocalTlsError(error)) throw new Error(`${label}: was served`);
    log(`${label}: refused (${error.code})`);
  }
  log(`front desk refused ${desk.server.handshakeErrorCount} client(s)`);
  log('restaurant-http: OK');
} finally {
  kitchen.terminate();
  kitchenAgent.destroy();
  await Promise.all(tablets.map((t) => t.fetch.close()));
  await desk.close();
}
