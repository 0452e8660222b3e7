/**
 * A waiter's tablet: dials the front desk by name, verifies it (chain to the restaurant's root,
 * 'front-desk.local' in its certificate), presents its own client certificate, and sends orders
 * as framed JSON messages, reading one receipt per order.
 */
import { connect, type Certificate, type Identity } from '../../src/index.js';
import type { Order, Receipt } from './front-desk.js';

/** Where the tablet finds the front desk. `lookup` stands in for mDNS on this one machine. */
export interface FrontDeskAddress {
  host: string;
  port: number;
  lookup: (host: string) => string[];
}

/** Sends `orders` in turn and returns the receipts. Throws the connection's error if refused. */
export async function placeOrders(address: FrontDeskAddress, root: Certificate, identity: Identity | undefined, orders: readonly Order[]): Promise<Receipt[]> {
  const conn = connect(address.host, address.port, {
    trustRoots: [root],
    lookup: address.lookup,
    ...(identity ? { identity } : {}),   // the tablet's client certificate
    resumption: false,
  });
  try {
    await conn.ready;
    const replies = conn.messages();
    const receipts: Receipt[] = [];
    for (const order of orders) {
      await conn.sendMessage(order);
      const next = await replies.next();
      if (next.done) throw new Error('the front desk closed the connection');
      if (next.value.type !== 'json') throw new Error('expected a JSON receipt');
      receipts.push(next.value.value as Receipt);
    }
    await replies.return(undefined);
    return receipts;
  } finally {
    conn.cancel();
  }
}
