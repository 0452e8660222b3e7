/** Network arguments shared by `serve`, `connect` and `inspect`: host:port, --resolve, identity sources, --ca. */
import { isIP } from 'node:net';
import { Identity, type Certificate, type Resolver } from '../index.js';
import { list, str, usage, type Context, type OptionSpec } from './command.js';
import { openIdentityStore, trustAnchors } from './home.js';
import { identityFromFiles, identityFromPkcs12File, readCertificates } from './files.js';

/** Splits `host:port`, `[v6]:port`. Returns undefined when `text` is not of that form. */
export function splitHostPort(text: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\s]+):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/** `--resolve NAME=ADDRESS` (repeatable), like curl's: a lookup for names the network cannot resolve. */
export const RESOLVE_OPTION: OptionSpec = { type: 'string', multiple: true, value: 'NAME=ADDR', description: 'dial ADDR when connecting to NAME (e.g. listener-name.local=127.0.0.1); the name is still what is verified' };

/** The resolver built from --resolve, or undefined. @throws USAGE */
export function resolverFrom(ctx: Context): Resolver | undefined {
  const entries = list(ctx, 'resolve');
  if (entries.length === 0) return undefined;
  const map = new Map<string, string[]>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).toLowerCase();
    const address = entry.slice(at + 1);
    if (at <= 0 || isIP(address) === 0) throw usage(`--resolve: expected NAME=ADDRESS with an IP address (e.g. listener-name.local=127.0.0.1); found ${JSON.stringify(entry)}`);
    map.set(name, [...(map.get(name) ?? []), address]);
  }
  return (host) => map.get(host.toLowerCase()) ?? [];
}

/** Options naming an identity to present (a listener's, or a client certificate). */
export const IDENTITY_OPTIONS: Record<string, OptionSpec> = {
  label: { type: 'string', value: 'L', description: 'use the identity stored under this label' },
  cert: { type: 'string', value: 'FILE', description: 'use this PEM chain (with --key, or the key inside it)' },
  key: { type: 'string', value: 'FILE', description: 'the PEM key for --cert' },
  p12: { type: 'string', value: 'FILE', description: 'use this PKCS#12 file (password: --p12-password-file, $LOCALTLS_P12_PASSPHRASE or a prompt)' },
  'p12-password-file': { type: 'string', value: 'FILE', description: 'read the PKCS#12 password from FILE' },
};

/** The identity named by --label / --cert / --p12, or undefined when none is given. @throws USAGE when several are */
export async function identityFrom(ctx: Context): Promise<Identity | undefined> {
  const label = str(ctx, 'label');
  const cert = str(ctx, 'cert');
  const p12 = str(ctx, 'p12');
  const given = [label, cert, p12].filter((v) => v !== undefined).length;
  if (given > 1) throw usage('expected one of --label, --cert or --p12; found several');
  if (label !== undefined) return (await openIdentityStore(ctx)).get(label);
  if (cert !== undefined) return identityFromFiles(cert, str(ctx, 'key'));
  if (p12 !== undefined) return identityFromPkcs12File(p12, ctx.secrets);
  return undefined;
}

/** `--ca FILE` (repeatable): extra roots to trust. */
export const CA_OPTION: OptionSpec = { type: 'string', multiple: true, value: 'FILE', description: 'also trust the roots in FILE (PEM or DER); the home trust store is always used' };

/** The roots to trust: --ca files plus the home trust store. */
export async function anchorsFrom(ctx: Context): Promise<Certificate[]> {
  const extra: Certificate[] = [];
  for (const file of list(ctx, 'ca')) extra.push(...await readCertificates(file, '--ca file'));
  return trustAnchors(ctx, extra);
}
