/** Shared fixtures for HTTP tests: the transport fixtures' CA and identities, and server helpers. All loopback. */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type HttpServerOptions, type LocalTlsServer } from '../../src/http/index.js';

export { fixtures, freshCache, sleep } from '../transport/fixtures.js';

/** A lookup for listener-name.local → 127.0.0.1. */
export const lookup = (host: string) => (host.endsWith('.local') ? ['127.0.0.1'] : []);

/** Starts a server on 127.0.0.1 (any port); records every request the handler saw and every body byte it read. */
export async function startServer(options: HttpServerOptions, handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: LocalTlsServer; port: number; seen: { requests: number; bodyBytes: number }; close(): Promise<void> }> {
  const seen = { requests: 0, bodyBytes: 0 };
  const server = createServer(options, (req, res) => {
    seen.requests++;
    req.on('data', (chunk: Buffer) => { seen.bodyBytes += chunk.length; });
    if (handler) { handler(req, res); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const peer = (req.socket as { localtls?: { peerCertificates: readonly { subject: string }[] } }).localtls?.peerCertificates[0]?.subject ?? 'anonymous';
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString(), peer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server, port, seen,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
