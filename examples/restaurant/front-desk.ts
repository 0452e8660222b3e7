/**
 * The front desk: a TLS listener that only talks to tablets holding a client certificate from
 * the restaurant's CA (mutual TLS). Each tablet sends orders as framed JSON messages; the front
 * desk answers each with a receipt naming the tablet it verified.
 */
import { createListener, type Connection, type Identity, type Certificate, type Listener } from '../../src/index.js';

/** An order as a tablet sends it. */
export interface Order {
  table: number;
  items: { dish: string; quantity: number }[];
}

/** The front desk's answer to an order. */
export interface Receipt {
  receipt: string;
  table: number;
  /** The tablet, as named by its verified client certificate (not by anything it claims). */
  tablet: string;
  total: number;
}

const MENU: Record<string, number> = { soup: 6.5, salad: 8, risotto: 16, tiramisu: 7 };

function isOrder(value: unknown): value is Order {
  const o = value as Order;
  return typeof o === 'object' && o !== null && Number.isInteger(o.table) && Array.isArray(o.items)
    && o.items.every((i) => typeof i?.dish === 'string' && Number.isInteger(i.quantity) && i.quantity > 0);
}

/** Starts the front desk on 127.0.0.1 (any free port). `log` receives one line per event. */
export async function openFrontDesk(options: { identity: Identity; root: Certificate; log: (line: string) => void }): Promise<Listener> {
  const { log } = options;
  const listener = createListener({
    identity: options.identity,
    host: '127.0.0.1',
    port: 0,
    requireClientCertificate: true,   // no certificate, no connection
    trustRoots: [options.root],        // tablets' certificates must chain to the restaurant's CA
  });
  let served = 0;
  listener.on('connection', (conn: Connection) => {
    const tablet = conn.tls?.peerCertificates[0]?.commonName ?? 'unknown';
    log(`front desk: ${tablet} connected (${conn.tls?.protocol}, client certificate verified)`);
    void (async () => {
      try {
        for await (const message of conn.messages()) {
          if (message.type !== 'json' || !isOrder(message.value)) {
            await conn.sendMessage({ error: 'expected { table, items: [{ dish, quantity }] }' });
            continue;
          }
          const order = message.value;
          const total = order.items.reduce((sum, i) => sum + (MENU[i.dish] ?? 0) * i.quantity, 0);
          served += 1;
          const receipt: Receipt = { receipt: `R-${String(served).padStart(3, '0')}`, table: order.table, tablet, total };
          await conn.sendMessage(receipt);
        }
      } catch (error) {
        log(`front desk: ${tablet} went away: ${String(error)}`);
      } finally {
        conn.cancel();
      }
    })();
  });
  listener.on('handshakeError', (error: { code: string }, info: { remoteAddress?: string }) => {
    log(`front desk: refused a client from ${info.remoteAddress}: ${error.code}`);
  });
  await listener.ready;
  log(`front desk: listening on 127.0.0.1:${listener.port}, client certificates required`);
  return listener;
}
