/** `localtls serve`: a TLS echo listener, to try devices and certificates against. */
import { isIP } from 'node:net';
import { createListener, type Connection, type Identity } from '../../index.js';
import { integer, list, str, usage, type Command, type Context } from '../command.js';
import { loadCa } from '../home.js';
import { IDENTITY_OPTIONS, identityFrom } from '../net.js';
import { sanText } from '../format.js';

const ANY = new Set(['0.0.0.0', '::']);

/** The identity to serve with: the one named by options, else a fresh one from the home CA. */
async function serverIdentity(ctx: Context, host: string | undefined): Promise<{ identity: Identity; ephemeral: boolean }> {
  const named = await identityFrom(ctx);
  if (named) return { identity: named, ephemeral: false };
  const hosts = [...list(ctx, 'name')];
  if (host && !ANY.has(host)) hosts.push(host);
  for (const loopback of ['127.0.0.1', '::1']) if (!hosts.includes(loopback)) hosts.push(loopback);
  const ca = await loadCa(ctx);
  return { identity: await ca.issue({ hosts, validityDays: 1 }), ephemeral: true };
}

/** Echoes everything a connection sends until it finishes, then finishes too. */
async function echo(ctx: Context, conn: Connection, peer: string): Promise<void> {
  let bytes = 0;
  try {
    for await (const chunk of conn) {
      bytes += chunk.length;
      await conn.send(chunk);
    }
    await conn.send(new Uint8Array(0), { final: true });
    if (!ctx.out.json) ctx.out.line(`${peer}: closed after ${bytes} bytes echoed`);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (!ctx.out.json) ctx.out.line(`${peer}: ${e.code ?? 'error'}: ${e.message ?? String(error)}`);
    conn.forceCancel();
  }
}

const serve: Command = {
  name: 'serve',
  summary: 'Run a TLS echo listener (TLS 1.2+). Prints the port it listens on once ready; runs until interrupted.',
  details: 'Without --label, --cert or --p12 it serves a one-day identity issued from the home CA for --host, --name and the loopback addresses.',
  options: {
    host: { type: 'string', value: 'ADDRESS', description: 'address to bind (default: all addresses)' },
    port: { type: 'string', short: 'p', value: 'N', description: 'port (default 4433; 0 = any free port)' },
    name: { type: 'string', multiple: true, value: 'H', description: 'with the home CA identity: also cover this name (e.g. listener-name.local)' },
    ...IDENTITY_OPTIONS,
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls serve --port 4433 --name listener-name.local', 'localtls serve --host 127.0.0.1 --port 0 --label front-desk'],
  async run(ctx) {
    const host = str(ctx, 'host');
    if (host !== undefined && isIP(host) === 0 && host !== 'localhost') {
      // a name would bind to whatever it resolves to; ask for the address the user means
      throw usage(`--host: expected an IP address to bind (e.g. 127.0.0.1 or 0.0.0.0); found ${JSON.stringify(host)}`);
    }
    const port = integer('port', str(ctx, 'port'), 0, 65535, 4433);
    const { identity, ephemeral } = await serverIdentity(ctx, host);
    const listener = createListener({ identity, port, ...(host ? { host } : {}) });
    await listener.ready;
    const where = host ? `${host.includes(':') ? `[${host}]` : host}:${listener.port}` : `port ${listener.port} (all addresses)`;
    if (ctx.out.json) ctx.out.printJson({ event: 'ready', host: host ?? null, port: listener.port, certificate: { subject: identity.certificate.subject, subjectAltNames: identity.certificate.subjectAltNames, fingerprintSha256: identity.certificate.fingerprintSha256 } });
    else {
      ctx.out.line(`listening on ${where}`);
      ctx.out.line(`  certificate ${identity.certificate.subject} (${sanText(identity.certificate)})${ephemeral ? ', issued now from the home CA for one day' : ''}`);
      ctx.out.line('  echoing what clients send; Ctrl-C stops');
    }
    const open = new Set<Promise<void>>();
    listener.on('connection', (conn: Connection) => {
      const peer = `${conn.remoteAddress ?? '?'}`;
      if (!ctx.out.json) ctx.out.line(`${peer}: connected (${conn.tls?.protocol ?? '?'}, ${conn.tls?.cipher ?? '?'})`);
      const p = echo(ctx, conn, peer).finally(() => open.delete(p));
      open.add(p);
    });
    listener.on('handshakeError', (error: { code?: string; message?: string }, info: { remoteAddress?: string }) => {
      if (!ctx.out.json) ctx.out.line(`${info?.remoteAddress ?? '?'}: handshake failed: ${error.code ?? 'error'}: ${error.message ?? ''}`);
    });
    const failed = new Promise<number>((resolve) => listener.on('state', (state: string) => { if (state === 'failed') resolve(1); }));
    const stopped = new Promise<number>((resolve) => {
      if (ctx.signal.aborted) resolve(0);
      ctx.signal.addEventListener('abort', () => resolve(0), { once: true });
    });
    const code = await Promise.race([failed, stopped]);
    listener.cancel({ force: true });
    await Promise.allSettled([...open]);
    if (code !== 0 && listener.error) throw listener.error;
    if (!ctx.out.json) ctx.out.line('stopped');
    return code;
  },
};

/** The `serve` command. */
export const serveCommands: Command[] = [serve];
