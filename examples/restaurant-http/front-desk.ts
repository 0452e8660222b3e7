/**
 * The front desk over HTTPS: a REST API (GET /menu, POST /orders) and a WebSocket order feed
 * (/feed) for the kitchen, on createServer() with client certificates required. The tablet that
 * placed an order is named by its verified certificate, never by anything it sends.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';
import type { Certificate, Identity } from '../../src/index.js';
import { createServer, peerInfo, type LocalTlsServer } from '../../src/http/index.js';
import type { Order, Receipt } from '../restaurant/front-desk.js';

const MENU: Record<string, number> = { soup: 6.5, salad: 8, risotto: 16, tiramisu: 7 };
const MAX_BODY = 64 * 1024;

function isOrder(value: unknown): value is Order {
  const o = value as Order;
  return typeof o === 'object' && o !== null && Number.isInteger(o.table) && Array.isArray(o.items)
    && o.items.every((i) => typeof i?.dish === 'string' && i.dish in MENU && Number.isInteger(i.quantity) && i.quantity > 0);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The tablet's name: the common name of its verified client certificate. */
function tabletOf(req: IncomingMessage): string {
  return peerInfo(req)?.peerCertificates[0]?.commonName ?? 'unknown';
}

/** Starts the front desk on 127.0.0.1 (any free port). */
export async function openFrontDesk(options: { identity: Identity; root: Certificate; log: (line: string) => void }): Promise<{ server: LocalTlsServer; port: number; close(): Promise<void> }> {
  let next = 1;
  const server = createServer({ identity: options.identity, requireClientCertificate: true, trustRoots: [options.root] }, (req, res) => {
    if (req.method === 'GET' && req.url === '/menu') { send(res, 200, MENU); return; }
    if (req.method !== 'POST' || req.url !== '/orders') { send(res, 404, { error: 'no such route' }); return; }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) { send(res, 413, { error: 'order too large' }); req.destroy(); return; }
      chunks.push(chunk);
    });
    req.on('end', () => {
      let order: unknown;
      try { order = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { order = undefined; }
      if (!isOrder(order)) { send(res, 400, { error: 'expected { table, items: [{ dish, quantity }] } with dishes from the menu' }); return; }
      const receipt: Receipt = {
        receipt: `R-${next++}`, table: order.table, tablet: tabletOf(req),
        total: order.items.reduce((sum, i) => sum + MENU[i.dish]! * i.quantity, 0),
      };
      for (const client of feed.clients) if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify({ ...receipt, items: order.items }));
      send(res, 201, receipt);
    });
  });
  const feed = new WebSocketServer({ server, path: '/feed' });
  feed.on('connection', (_ws, req) => options.log(`front desk: ${tabletOf(req)} subscribed to the order feed`));
  server.on('handshakeError', (error: { code: string }) => options.log(`front desk: refused a client (${error.code}) before reading its request`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  options.log(`front desk: https://127.0.0.1:${port}, client certificates required`);
  return {
    server, port,
    close: () => new Promise<void>((resolve) => {
      for (const client of feed.clients) client.terminate();
      feed.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
