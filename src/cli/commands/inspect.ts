/**
 * `localtls inspect <file | host:port>`: what a certificate, CSR, key or PKCS#12 file is, or what a
 * live server presents — and whether it is trusted under the SSL and the basic X.509 policies,
 * with every failure explained and its fix.
 */
import { createPublicKey } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { Certificate, connect, evaluateTrust, isLocalTlsError, lintCertificate, LocalTlsError, parseSigningRequest, type TrustResult } from '../../index.js';
import { str, type Command, type Context } from '../command.js';
import { certificateJson, certificateRows } from '../format.js';
import { printVerdict, verdictJson } from '../explain.js';
import { isPemText, readBytes } from '../files.js';
import { anchorsFrom, CA_OPTION, RESOLVE_OPTION, resolverFrom, splitHostPort } from '../net.js';
import { printChain } from './connect.js';
import { p12Commands } from './p12.js';

const SSL = (host: string) => `the SSL policy for ${host}`;
const BASIC = 'the basic X.509 policy (chain, dates, CA rules; no name check)';

/** Prints both verdicts (and lint findings for the leaf) and returns the exit code. */
function report(ctx: Context, target: string, chain: readonly Certificate[], verdicts: { ssl?: TrustResult; basic: TrustResult }, host: string | undefined, extra: Record<string, unknown> = {}): number {
  const leaf = chain[0];
  const lint = leaf && !leaf.isCA ? lintCertificate(leaf, { platform: 'apple', ...(host ? { hosts: [host] } : {}) }) : [];
  const ok = verdicts.basic.trusted && (verdicts.ssl?.trusted ?? true);
  if (ctx.out.json) {
    ctx.out.printJson({
      target, ...extra, trusted: ok, chain: chain.map(certificateJson),
      ssl: verdicts.ssl ? verdictJson(verdicts.ssl, 'ssl') : null, basicX509: verdictJson(verdicts.basic, 'basicX509'),
      lint: lint.map((f) => ({ ...f })),
    });
    return ok ? 0 : 1;
  }
  if (verdicts.ssl) printVerdict(ctx.out, verdicts.ssl, SSL(host!), host);
  printVerdict(ctx.out, verdicts.basic, BASIC, host);
  if (verdicts.ssl && !verdicts.ssl.trusted && verdicts.basic.trusted) {
    ctx.out.line(`  The chain itself is sound; only the name check fails. A client dialing ${host} can accept it with a basic X.509 verify hook (localtls connect --basic).`);
  }
  for (const f of lint) ctx.out.line(`  ${f.severity === 'error' ? ctx.out.style('red', 'Apple refuses') : ctx.out.style('yellow', 'Apple warns')}: ${f.code}: ${f.message}`);
  return ok ? 0 : 1;
}

async function inspectLive(ctx: Context, host: string, port: number): Promise<number> {
  const lookup = resolverFrom(ctx);
  const servername = str(ctx, 'host');
  const name = servername ?? host;
  let seen: { chain: readonly Certificate[]; ssl: TrustResult; basic: TrustResult; protocol: string } | undefined;
  const conn = connect(host, port, {
    trustRoots: await anchorsFrom(ctx), resumption: false,
    ...(lookup ? { lookup } : {}), ...(servername ? { serverName: servername } : {}),
    verify: async (v) => {
      const ssl = await v.evaluate();
      seen = { chain: v.peerCertificates, ssl, basic: await v.evaluate({ kind: 'basicX509' }), protocol: v.protocol };
      return ssl;
    },
  });
  const abort = (): void => conn.cancel();
  ctx.signal.addEventListener('abort', abort, { once: true });
  let cipher: string | undefined;
  try {
    await conn.ready;
    cipher = conn.tls?.cipher;
  } catch (error) {
    if (!seen) throw error; // not a verification failure: refused, timeout, TLS version, …
  } finally {
    ctx.signal.removeEventListener('abort', abort);
    conn.cancel();
  }
  if (!ctx.out.json) {
    ctx.out.line(`${host}:${port}${servername ? ` (verified as ${servername})` : ''}: ${seen!.protocol}${cipher ? `, ${cipher}` : ''}`);
    ctx.out.line('chain presented:');
    printChain(ctx, seen!.chain);
  }
  return report(ctx, `${host}:${port}`, seen!.chain, { ssl: seen!.ssl, basic: seen!.basic }, name, { protocol: seen!.protocol, cipher: cipher ?? null });
}

async function inspectCertificates(ctx: Context, file: string, chain: Certificate[]): Promise<number> {
  const anchors = await anchorsFrom(ctx);
  const host = str(ctx, 'host');
  const basic = await evaluateTrust(chain, { anchors, policy: { kind: 'basicX509' } });
  const ssl = host ? await evaluateTrust(chain, { anchors, policy: { kind: 'ssl', hostname: host } }) : undefined;
  if (!ctx.out.json) {
    ctx.out.line(`${file}: ${chain.length} certificate(s)`);
    chain.forEach((cert, i) => {
      ctx.out.line(`[${i}]`);
      ctx.out.table(certificateRows(cert));
    });
  }
  return report(ctx, file, chain, { ...(ssl ? { ssl } : {}), basic }, host);
}

function inspectCsr(ctx: Context, file: string, input: string | Uint8Array): number {
  const csr = parseSigningRequest(input);
  const key = createPublicKey({ key: Buffer.from(csr.spki), format: 'der', type: 'spki' });
  const details = key.asymmetricKeyDetails;
  const keyText = `${key.asymmetricKeyType}${details?.namedCurve ? ` ${details.namedCurve}` : details?.modulusLength ? ` ${details.modulusLength} bits` : ''}`;
  if (ctx.out.json) {
    ctx.out.printJson({ target: file, type: 'csr', subject: csr.subject, requestedHosts: csr.requestedHosts, key: keyText, signatureValid: true });
    return 0;
  }
  ctx.out.line(`${file}: certificate signing request (signature verified)`);
  ctx.out.table([['subject', csr.subject], ['requested', csr.requestedHosts.join(', ') || '-'], ['key', keyText]]);
  ctx.out.line(`Sign it on the CA machine: localtls sign ${file}`);
  return 0;
}

async function inspectFile(ctx: Context, file: string): Promise<number> {
  const bytes = await readBytes(file, 'file');
  if (isPemText(bytes)) {
    const text = Buffer.from(bytes).toString('utf8');
    if (/-----BEGIN CERTIFICATE-----/.test(text)) return inspectCertificates(ctx, file, Certificate.fromPEMBundle(text));
    if (/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(text)) return inspectCsr(ctx, file, text);
    const key = /-----BEGIN (ENCRYPTED |EC |RSA )?PRIVATE KEY-----/.exec(text);
    if (key) {
      const encrypted = key[1] === 'ENCRYPTED ';
      if (ctx.out.json) ctx.out.printJson({ target: file, type: 'private-key', encrypted });
      else ctx.out.line(`${file}: a ${encrypted ? 'passphrase-encrypted ' : ''}private key (not shown). Keep it mode 0600; never send it anywhere.`);
      return 0;
    }
    throw new LocalTlsError('MALFORMED', `${file}: expected a certificate, CSR, private key or PKCS#12 file; found PEM without any of those blocks`);
  }
  try {
    return await inspectCertificates(ctx, file, [Certificate.from(bytes)]);
  } catch (error) {
    if (!isLocalTlsError(error, 'MALFORMED')) throw error;
  }
  try {
    return inspectCsr(ctx, file, bytes);
  } catch (error) {
    if (!isLocalTlsError(error, 'MALFORMED')) throw error;
  }
  const p12 = p12Commands.find((c) => c.name === 'p12 inspect')!;
  return (await p12.run({ ...ctx, positionals: [file] })) ?? 0;
}

const inspect: Command = {
  name: 'inspect',
  args: '<file | host:port>',
  summary: 'Explain a certificate, CSR, key or PKCS#12 file, or a live server: the chain, the verdict under the SSL and basic X.509 policies, every failure and its fix.',
  details: 'Trusts the home trust store and --ca roots. For a live server nothing is sent after the handshake. Exits 1 when the chain is not trusted.',
  options: {
    host: { type: 'string', value: 'NAME', description: 'check the certificate for this name or address (live: the name to send and verify)' },
    ca: CA_OPTION,
    resolve: RESOLVE_OPTION,
    'p12-password-file': { type: 'string', value: 'FILE', description: 'for a PKCS#12 file: read its password from FILE to open it' },
  },
  positionals: { min: 1, max: 1 },
  noPassword: true,
  examples: ['localtls inspect listener-name.local.pem --host 192.168.1.20', 'localtls inspect listener-name.local:4433', 'localtls inspect 127.0.0.1:4433 --json'],
  async run(ctx) {
    const target = ctx.positionals[0]!;
    const isFile = await stat(target).then((s) => s.isFile(), () => false);
    if (isFile) return inspectFile(ctx, target);
    const hp = splitHostPort(target);
    if (!hp) throw new LocalTlsError('USAGE', `inspect: expected a file or host:port; found ${JSON.stringify(target)}, which is neither an existing file nor host:port`, { hint: 'e.g. localtls inspect server.pem, or localtls inspect listener-name.local:4433' });
    return inspectLive(ctx, hp.host, hp.port);
  },
};

/** The `inspect` command. */
export const inspectCommands: Command[] = [inspect];
