/**
 * HTTP: localtls/http (createServer + createFetch / agent) next to plain node:https + undici fetch
 * / https.Agent with the same certificates, in the same run, on 127.0.0.1. Each operation is one
 * GET answered with a small JSON body, read to the end.
 *
 * Every path is warmed up (500 requests each, untimed) before the rows; rounds are interleaved.
 *
 * Rows (ours / plain):
 * - fetch, keep-alive: one undici connection reused (ours: our verification once per connection).
 * - fetch, new connection per request (`connection: close`): a TLS handshake per request;
 *   both sides resume sessions (undici's default session cache; ours: localtls's).
 * - node:https agent, keep-alive and new connection per request (`keepAlive: false`).
 */
import { once } from 'node:events';
import { Agent as HttpsAgent, createServer as plainHttpsServer, get, type Agent, type Server } from 'node:https';
import { Agent as UndiciAgent, fetch as undiciFetch } from 'undici';
import { CertificateAuthority } from '../../src/ca/index.js';
import { agent, createFetch, createServer } from '../../src/http/index.js';
import { SessionCache } from '../../src/index.js';
import { compare, scaled, type Row, type Suite } from '../harness.js';

const HOST = '127.0.0.1';
const BODY = JSON.stringify({ receipt: 'R-1', table: 4, total: 29 });

async function listen(server: Server): Promise<number> {
  server.listen(0, HOST);
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

function answer(_req: unknown, res: import('node:http').ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
}

function httpsGet(url: string, agentToUse: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    get(url, { agent: agentToUse }, (res) => { res.resume(); res.on('end', resolve); res.on('error', reject); }).on('error', reject);
  });
}

export const httpSuite: Suite = {
  name: 'http',
  async run(): Promise<Row[]> {
    const ca = await CertificateAuthority.create({ commonName: 'Bench HTTP CA' });
    const identity = await ca.issue({ hosts: ['listener-name.local', HOST] });
    const rootPem = ca.certificate.toPEM();
    const ours = createServer({ identity }, answer);
    const plain = plainHttpsServer({ ...identity.tlsOptions(), minVersion: 'TLSv1.2' }, answer);
    const oursUrl = `https://${HOST}:${await listen(ours)}/`;
    const plainUrl = `https://${HOST}:${await listen(plain)}/`;
    const rows: Row[] = [];
    const ourFetch = createFetch({ trustRoots: [ca.certificate], trustStore: false, connections: 1, sessionCache: new SessionCache() });
    const plainDispatcher = new UndiciAgent({ connections: 1, connect: { ca: rootPem } });
    const ourAgent = agent({ trustRoots: [ca.certificate], trustStore: false, maxSockets: 1, sessionCache: new SessionCache() });
    const plainAgent = new HttpsAgent({ ca: rootPem, keepAlive: true, maxSockets: 1 });
    const ourOneShot = agent({ trustRoots: [ca.certificate], trustStore: false, keepAlive: false, sessionCache: new SessionCache() });
    const plainOneShot = new HttpsAgent({ ca: rootPem, keepAlive: false });
    try {
      // Untimed warm-up of every path (compare() warms up with one call; these need the JIT settled on both sides).
      for (let i = 0; i < scaled(500); i++) {
        await (await ourFetch(oursUrl)).text();
        await (await undiciFetch(plainUrl, { dispatcher: plainDispatcher })).text();
        await httpsGet(oursUrl, ourAgent);
        await httpsGet(plainUrl, plainAgent);
      }
      const close = { connection: 'close' };
      rows.push(await compare({
        name: 'fetch, keep-alive', unit: 'requests/s', baselineName: 'undici fetch + node:https', iterations: 1000,
        ours: async () => { await (await ourFetch(oursUrl)).text(); },
        baseline: async () => { await (await undiciFetch(plainUrl, { dispatcher: plainDispatcher })).text(); },
      }));
      rows.push(await compare({
        name: 'fetch, new connection per request (resumed)', unit: 'requests/s', baselineName: 'undici fetch + node:https', iterations: 60,
        ours: async () => { await (await ourFetch(oursUrl, { headers: close })).text(); },
        baseline: async () => { await (await undiciFetch(plainUrl, { dispatcher: plainDispatcher, headers: close })).text(); },
      }));
      rows.push(await compare({
        name: 'node:https agent, keep-alive', unit: 'requests/s', baselineName: 'https.Agent + node:https', iterations: 1000,
        ours: () => httpsGet(oursUrl, ourAgent),
        baseline: () => httpsGet(plainUrl, plainAgent),
      }));
      rows.push(await compare({
        name: 'node:https agent, new connection per request', unit: 'requests/s', baselineName: 'https.Agent + node:https', iterations: 60,
        ours: () => httpsGet(oursUrl, ourOneShot),
        baseline: () => httpsGet(plainUrl, plainOneShot),
      }));
    } finally {
      await ourFetch.close();
      await plainDispatcher.close();
      for (const a of [ourAgent, plainAgent, ourOneShot, plainOneShot]) a.destroy();
      for (const server of [ours, plain]) { server.closeAllConnections(); server.close(); }
    }
    return rows;
  },
};
