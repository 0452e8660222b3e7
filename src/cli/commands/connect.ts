/** `localtls connect <host> <port>`: a readable s_client — handshake facts, the chain, the verdict, then data. */
import { connect, isLocalTlsError, type Certificate, type ConnectOptions, type TrustResult } from '../../index.js';
import { flag, integer, str, type Command, type Context } from '../command.js';
import { certificateJson, sanText } from '../format.js';
import { printVerdict, verdictJson } from '../explain.js';
import { anchorsFrom, CA_OPTION, IDENTITY_OPTIONS, identityFrom, RESOLVE_OPTION, resolverFrom } from '../net.js';

/** Prints the chain, one certificate per block. */
export function printChain(ctx: Context, chain: readonly Certificate[]): void {
  chain.forEach((cert, i) => {
    ctx.out.line(`  [${i}] ${ctx.out.style('bold', cert.subject)}${cert.isCA ? ' (CA)' : ''}`);
    ctx.out.line(`      issuer ${cert.issuer}; valid ${cert.notBefore.toISOString().slice(0, 10)} to ${cert.notAfter.toISOString().slice(0, 10)}`);
    if (!cert.isCA) ctx.out.line(`      names ${sanText(cert)}`);
    ctx.out.line(`      sha256 ${cert.fingerprintSha256}`);
  });
}

function policyName(basic: boolean, name: string): string {
  return basic ? 'the basic X.509 policy (chain, dates, CA rules; no name check)' : `the SSL policy for ${name}`;
}

const connectCommand: Command = {
  name: 'connect',
  args: '<host> <port>',
  summary: 'Connect with full verification and show the handshake, the chain and the verdict; then send standard input and print what comes back.',
  details: 'Trusts the home trust store and --ca roots (and the system roots). A refused server is explained, finding by finding, with the fix. With --send TEXT, sends TEXT instead of standard input; with --close, closes right after the handshake.',
  options: {
    ca: CA_OPTION,
    resolve: RESOLVE_OPTION,
    servername: { type: 'string', value: 'NAME', description: 'the name to send (SNI) and verify, when dialing an address' },
    basic: { type: 'boolean', description: 'accept under the basic X.509 policy (for an address missing from the certificate)' },
    send: { type: 'string', value: 'TEXT', description: 'send TEXT (then finish) instead of standard input' },
    close: { type: 'boolean', description: 'close right after the handshake' },
    timeout: { type: 'string', value: 'MS', description: 'handshake timeout in milliseconds (default 10000)' },
    ...IDENTITY_OPTIONS,
  },
  positionals: { min: 2, max: 2 },
  examples: [
    'localtls connect listener-name.local 4433',
    'localtls connect 127.0.0.1 4433 --send "order 12: soup"',
    'localtls connect listener-name.local 4433 --resolve listener-name.local=192.168.1.20 --close',
  ],
  async run(ctx) {
    const [host, portText] = ctx.positionals as [string, string];
    const port = integer('port', portText, 1, 65535);
    const basic = flag(ctx, 'basic');
    const identity = await identityFrom(ctx);
    const lookup = resolverFrom(ctx);
    const servername = str(ctx, 'servername');
    const options: ConnectOptions = {
      trustRoots: await anchorsFrom(ctx),
      handshakeTimeout: integer('timeout', str(ctx, 'timeout'), 1, 3_600_000, 10_000),
      resumption: false,
      ...(identity ? { identity } : {}),
      ...(lookup ? { lookup } : {}),
      ...(servername ? { serverName: servername } : {}),
      ...(basic ? { verify: async (v) => v.evaluate({ kind: 'basicX509' }) } : {}),
    };
    const name = servername ?? host;
    if (!ctx.out.json) ctx.out.note(`connecting to ${host}:${port}…`);
    const conn = connect(host, port, options);
    const abort = (): void => conn.cancel();
    ctx.signal.addEventListener('abort', abort, { once: true });
    try {
      try {
        await conn.ready;
      } catch (error) {
        const trust = isLocalTlsError(error) ? (error.details?.trustResult as TrustResult | undefined) : undefined;
        if (trust) {
          if (ctx.out.json) ctx.out.printJson({ host, port, connected: false, chain: trust.chain.map(certificateJson), trust: verdictJson(trust, basic ? 'basicX509' : 'ssl') });
          else {
            ctx.out.line(`${host}:${port} presented:`);
            printChain(ctx, trust.chain);
            printVerdict(ctx.out, trust, policyName(basic, name), name);
          }
        }
        throw error;
      }
      const tls = conn.tls!;
      const trust = tls.trustResult;
      const received: Buffer[] = [];
      if (!ctx.out.json) {
        ctx.out.line(`${ctx.out.style('green', 'connected')} to ${host}:${port}${conn.remoteAddress && conn.remoteAddress !== host ? ` (${conn.remoteAddress})` : ''}`);
        ctx.out.table([['protocol', tls.protocol], ['cipher', tls.cipher], ['ALPN', tls.alpn ?? '-'], ['server name', tls.serverName ?? '- (dialed an address)'], ['resumed', tls.resumed ? 'yes' : 'no']]);
        ctx.out.line('chain:');
        printChain(ctx, tls.peerCertificates);
        if (trust) printVerdict(ctx.out, trust, policyName(basic, name), name);
      }
      if (!flag(ctx, 'close')) {
        const sending = (async () => {
          const text = str(ctx, 'send');
          if (text !== undefined) await conn.send(text);
          else for await (const chunk of ctx.stdin) await conn.send(typeof chunk === 'string' ? chunk : new Uint8Array(chunk as Buffer));
          await conn.send(new Uint8Array(0), { final: true });
        })();
        sending.catch(() => undefined);
        try {
          for await (const chunk of conn) {
            if (ctx.out.json) received.push(Buffer.from(chunk));
            else ctx.out.stdout.write(chunk);
          }
        } catch (error) {
          if (!ctx.signal.aborted) throw error; // Ctrl-C closed it: not a failure
        }
        if (!ctx.signal.aborted) await sending;
      }
      if (ctx.out.json) {
        ctx.out.printJson({
          host, port, connected: true, remoteAddress: conn.remoteAddress ?? null,
          tls: { protocol: tls.protocol, cipher: tls.cipher, alpn: tls.alpn ?? null, serverName: tls.serverName ?? null, resumed: tls.resumed },
          chain: tls.peerCertificates.map(certificateJson),
          trust: trust ? verdictJson(trust, basic ? 'basicX509' : 'ssl') : null,
          received: Buffer.concat(received).toString('utf8'),
        });
      }
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      conn.cancel();
    }
  },
};

/** The `connect` command. */
export const connectCommands: Command[] = [connectCommand];
