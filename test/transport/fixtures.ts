/** Shared fixtures for transport tests: one CA, identities, and small helpers. All loopback. */
import { CertificateAuthority } from '../../src/ca/index.js';
import type { Identity } from '../../src/identity/identity.js';
import type { Connection } from '../../src/transport/connection.js';
import type { Listener } from '../../src/transport/listener.js';
import { SessionCache } from '../../src/tls/session-cache.js';

export const HOSTS = ['127.0.0.1', '::1'] as const;

export interface Fixtures {
  ca: CertificateAuthority;
  otherCa: CertificateAuthority;
  server: Identity;
  client: Identity;
  strangerClient: Identity;
}

let cached: Promise<Fixtures> | undefined;

/** One CA and identities, made once per test process. */
export function fixtures(): Promise<Fixtures> {
  cached ??= (async () => {
    const ca = await CertificateAuthority.create({ commonName: 'Transport Test CA' });
    const otherCa = await CertificateAuthority.create({ commonName: 'Other CA' });
    const server = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1', '::1'] });
    const client = await ca.issue({ hosts: ['waiter-tablet.local'], clientAuth: true, serverAuth: false });
    const strangerClient = await otherCa.issue({ hosts: ['stranger.local'], clientAuth: true, serverAuth: false });
    return { ca, otherCa, server, client, strangerClient };
  })();
  return cached;
}

/** A lookup mapping listener-name.local (and evil.local) to `address`. */
export function loopbackLookup(address: string) {
  return (host: string) => (host.endsWith('.local') ? [address] : []);
}

/** A fresh session cache (so tests do not share sessions). */
export function freshCache(): SessionCache {
  return new SessionCache();
}

/** Resolves with the terminal (or given) state of a connection, bounded in time. */
export function until<T extends { state: string; on(e: 'state', f: (s: string) => void): unknown }>(x: T, states: string[], ms = 5000): Promise<string> {
  if (states.includes(x.state)) return Promise.resolve(x.state);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${states.join('|')}; state ${x.state}`)), ms);
    x.on('state', (s: string) => { if (states.includes(s)) { clearTimeout(timer); resolve(s); } });
  });
}

/** Records every state change. */
export function recordStates(x: { on(e: 'state', f: (s: string, e?: unknown) => void): unknown }): string[] {
  const states: string[] = [];
  x.on('state', (s) => states.push(s));
  return states;
}

/** Closes a listener and waits for its sockets to go. */
export async function closeListener(listener: Listener): Promise<void> {
  listener.cancel({ force: true });
  const start = Date.now();
  while (listener.openSocketCount > 0 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
}

/** Reads everything until the peer finishes. */
export async function readAll(conn: Connection): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of conn) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Sleep. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
