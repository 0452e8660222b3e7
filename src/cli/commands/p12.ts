/** `localtls p12 inspect | import | export`: PKCS#12 (.p12/.pfx) files in and out. */
import { Identity, inspectPKCS12 } from '../../index.js';
import { flag, required, str, usage, type Command } from '../command.js';
import { openIdentityStore } from '../home.js';
import { certificateRows, identityJson } from '../format.js';
import { identityFromFiles, identityFromPkcs12File, readBytes } from '../files.js';
import { writePkcs12 } from './issue.js';

const P12_PASSWORD = { type: 'string', value: 'FILE', description: 'read the PKCS#12 password from FILE (else $LOCALTLS_P12_PASSPHRASE, else a prompt)' } as const;

const inspect: Command = {
  name: 'p12 inspect',
  args: '<file>',
  summary: 'Describe a PKCS#12 file without its password: algorithms, iterations, profile, and which platforms read it.',
  details: 'With a PKCS#12 password from --p12-password-file or $LOCALTLS_P12_PASSPHRASE it also opens the file and shows the identity.',
  options: { 'p12-password-file': P12_PASSWORD },
  positionals: { min: 1, max: 1 },
  noPassword: true,
  examples: ['localtls p12 inspect front-desk.p12', 'LOCALTLS_P12_PASSPHRASE=… localtls p12 inspect front-desk.p12 --json'],
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const bytes = await readBytes(file, 'PKCS#12 file');
    const info = inspectPKCS12(bytes);
    const identity = ctx.secrets.available('p12') ? await Identity.fromPKCS12(bytes, await ctx.secrets.get('p12', `password of ${file}`)) : undefined;
    if (ctx.out.json) return ctx.out.printJson({ file, ...info, identity: identity ? identityJson(identity) : null });
    ctx.out.line(`${file}: PKCS#12, profile ${info.profile}`);
    ctx.out.table([
      ['integrity', info.mac.mode === 'none' ? 'none' : `${info.mac.algorithm} (${info.mac.mode}, ${info.mac.iterations ?? '?'} iterations)`],
      ...info.contents.map((c, i): [string, string] => [`contents ${i + 1}`, `${c.encryption ? `encrypted with ${c.encryption} (${c.iterations} iterations)` : 'not encrypted'}${c.bags ? `: ${c.bags.map((b) => `${b.type}${b.encryption ? ` (${b.encryption}, ${b.iterations} iterations)` : ''}${b.friendlyName ? ` "${b.friendlyName}"` : ''}`).join(', ')}` : ''}`]),
      ['OpenSSL 3 / Node', info.nativeOpenSSL3 ? 'reads it' : 'needs the legacy provider or a newer version'],
      ['iOS < 18, macOS < 15', info.appleBefore18 ? 'reads it' : 'refuses it (reports a wrong password)'],
    ]);
    for (const note of info.notes) ctx.out.line(`  - ${note}`);
    if (identity) {
      ctx.out.line(`\nidentity (${identity.privateKey.algorithm} key, ${identity.chain.length} certificate(s))`);
      ctx.out.table(certificateRows(identity.certificate));
    }
  },
};

const importP12: Command = {
  name: 'p12 import',
  args: '<file>',
  summary: 'Open a PKCS#12 file and keep its identity in the home identity store under a label.',
  options: {
    label: { type: 'string', value: 'L', description: "store label (default: the file's friendly name, else the certificate's common name)" },
    replace: { type: 'boolean', description: 'replace an identity already stored under the label' },
    'p12-password-file': P12_PASSWORD,
  },
  positionals: { min: 1, max: 1 },
  examples: ['localtls p12 import front-desk.p12 --label front-desk'],
  async run(ctx) {
    const file = ctx.positionals[0]!;
    const identity = await identityFromPkcs12File(file, ctx.secrets);
    const label = str(ctx, 'label') ?? identity.friendlyName ?? identity.certificate.commonName;
    if (!label) throw usage('p12 import: the file has no friendly name and the certificate no common name: expected --label L');
    const info = await (await openIdentityStore(ctx)).add(identity, { label, replace: flag(ctx, 'replace') });
    if (ctx.out.json) return ctx.out.printJson({ label: info.label, identity: identityJson(identity) });
    ctx.out.line(`${ctx.out.style('green', 'imported')} ${file} as "${info.label}" (${identity.certificate.subject})`);
  },
};

const exportP12: Command = {
  name: 'p12 export',
  summary: 'Write a stored identity (or a certificate and key in PEM) as a password-protected PKCS#12 file.',
  options: {
    label: { type: 'string', value: 'L', description: 'the stored identity to export' },
    cert: { type: 'string', value: 'FILE', description: 'instead of --label: a PEM chain (leaf first or any order)' },
    key: { type: 'string', value: 'FILE', description: 'with --cert: the PEM key (default: inside the --cert file)' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'the .p12 file to write (mode 0600)' },
    profile: { type: 'string', value: 'P', description: 'compatible (default; every platform) or modern (AES-256; iOS 18+)' },
    'p12-password-file': P12_PASSWORD,
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls p12 export --label front-desk --out front-desk.p12', 'localtls p12 export --cert server.pem --key server-key.pem --out server.p12 --profile modern'],
  async run(ctx) {
    const out = required(ctx, 'out', 'the .p12 file to write');
    const label = str(ctx, 'label');
    const cert = str(ctx, 'cert');
    if ((label === undefined) === (cert === undefined)) throw usage('p12 export: expected either --label L or --cert FILE [--key FILE]');
    const identity = label !== undefined ? await (await openIdentityStore(ctx)).get(label) : await identityFromFiles(cert!, str(ctx, 'key'));
    const written = await writePkcs12(ctx, identity, out, str(ctx, 'profile'));
    if (ctx.out.json) return ctx.out.printJson({ ...written, identity: identityJson(identity) });
    ctx.out.line(`wrote ${out} (PKCS#12, ${written.profile} profile, mode 0600) for ${identity.certificate.subject}`);
  },
};

/** The `p12` group. */
export const p12Commands: Command[] = [inspect, importP12, exportP12];
