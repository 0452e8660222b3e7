/**
 * The README's "A first look", verbatim: a CA, a server identity, a listener that answers framed
 * JSON orders, and a client that dials the listener by name and verifies it before sending.
 * Run: `npx tsc -p . && node dist/examples/first-look.js`
 */
import { CertificateAuthority, createListener, connect } from '../src/index.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });

const listener = createListener({ identity, port: 0 });   // 0: any free port (listener.port)
listener.on('connection', async (conn) => {
  for await (const order of conn.messages()) await conn.sendMessage({ receipt: order.type === 'json' ? order.value : null });
  conn.cancel();                        // the client finished sending: close our side too
});
await listener.ready;

const lookup = () => ['127.0.0.1'];     // stands in for mDNS: listener-name.local is this machine
const conn = connect('listener-name.local', listener.port, { trustRoots: [ca.certificate], lookup });
await conn.ready;                       // TLS 1.2+ and full verification passed
await conn.sendMessage({ table: 7, items: ['soup'] });
const { value: reply } = await conn.messages().next();
console.log(`verified ${conn.tls?.protocol} connection; reply:`, JSON.stringify(reply?.type === 'json' ? reply.value : null));
conn.cancel();
listener.cancel();
