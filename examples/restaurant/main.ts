/**
 * The restaurant on one machine: a front desk and three tablets exchanging JSON orders over
 * mutual TLS, then two tablets the front desk must refuse (no certificate; a certificate from
 * another CA). Run: `npx tsc -p . && node dist/examples/restaurant/main.js`
 */
import { CertificateAuthority, isLocalTlsError } from '../../src/index.js';
import { openFrontDesk, type Order } from './front-desk.js';
import { setUpRestaurant } from './pki.js';
import { placeOrders, type FrontDeskAddress } from './tablet.js';

const watchdog = setTimeout(() => { console.error('restaurant: timed out'); process.exit(1); }, 25_000);
watchdog.unref();
const log = (line: string) => console.log(line);

const tabletNames = ['tablet-1', 'tablet-2', 'tablet-3'];
const pki = await setUpRestaurant(tabletNames);
log(`set up: CA "${pki.root.subject}", front desk ${pki.frontDesk.certificate.subjectAltNames.map((s) => s.value).join(', ')} (by CSR), ${pki.tablets.size} tablet certificates`);

const listener = await openFrontDesk({ identity: pki.frontDesk, root: pki.root, log });
const address: FrontDeskAddress = { host: 'front-desk.local', port: listener.port, lookup: () => ['127.0.0.1'] };

try {
  // Three tablets at once, two orders each.
  const results = await Promise.all(tabletNames.map((name, i) => {
    const orders: Order[] = [
      { table: i + 1, items: [{ dish: 'soup', quantity: 2 }, { dish: 'risotto', quantity: 1 }] },
      { table: i + 1, items: [{ dish: 'tiramisu', quantity: 2 }] },
    ];
    return placeOrders(address, pki.root, pki.tablets.get(name), orders);
  }));
  let count = 0;
  for (const [i, receipts] of results.entries()) {
    for (const r of receipts) {
      log(`${tabletNames[i]}: receipt ${r.receipt} for table ${r.table}, ${r.total.toFixed(2)} EUR, front desk saw ${r.tablet}`);
      if (r.tablet !== tabletNames[i]) throw new Error(`receipt names ${r.tablet}, expected ${tabletNames[i]}`);
      count += 1;
    }
  }
  log(`orders: ${count} sent, ${count} receipts`);

  // A tablet without a client certificate: the front desk refuses it before any order is read.
  const refusedWithout = await placeOrders(address, pki.root, undefined, [{ table: 9, items: [{ dish: 'soup', quantity: 1 }] }]).then(() => undefined, (e: unknown) => e);
  if (!isLocalTlsError(refusedWithout)) throw new Error('a tablet without a certificate was served');
  log(`no certificate: refused (${refusedWithout.code})`);

  // A tablet whose certificate comes from another CA: refused as well.
  const rogueCa = await CertificateAuthority.create({ commonName: 'Someone Else CA' });
  const rogue = await rogueCa.issue({ commonName: 'tablet-rogue', clientAuth: true, serverAuth: false });
  const refusedRogue = await placeOrders(address, pki.root, rogue, [{ table: 9, items: [{ dish: 'soup', quantity: 1 }] }]).then(() => undefined, (e: unknown) => e);
  if (!isLocalTlsError(refusedRogue)) throw new Error("a tablet with another CA's certificate was served");
  log(`certificate from another CA: refused (${refusedRogue.code})`);
  log(`front desk refused ${listener.handshakeErrorCount} client(s)`);
  log('restaurant: OK');
} finally {
  listener.cancel({ force: true });
}
