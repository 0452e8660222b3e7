/** `localtls issue`, `request` and `sign`: identities from the home CA, and the CSR path. */
import { basename, extname } from 'node:path';
import { createSigningRequest, type Identity, KEY_ALGORITHMS, type KeyAlgorithm } from '../../index.js';
import { choice, flag, integer, list, str, type Command, type Context } from '../command.js';
import { loadCa, openIdentityStore } from '../home.js';
import { certificateJson, certificateRows } from '../format.js';
import { fileStem, readText, writeOutput } from '../files.js';

const PROFILES = ['compatible', 'modern'] as const;

/** Writes an identity as a PKCS#12 file, asking for its password. Shared by `issue` and `p12 export`. */
export async function writePkcs12(ctx: Context, identity: Identity, file: string, profileOption: string | undefined): Promise<{ file: string; profile: string }> {
  const profile = choice('profile', profileOption, PROFILES, 'compatible');
  const password = await ctx.secrets.get('p12', `new password for ${basename(file)}`, { confirm: true });
  await writeOutput(file, await identity.toPKCS12(password, { profile }), 0o600);
  return { file, profile };
}

const issue: Command = {
  name: 'issue',
  args: '<host…>',
  summary: 'Issue an identity (new key + certificate) from the home CA for names and addresses.',
  details: 'Writes PEM files by default (<host>.pem with the chain, <host>-key.pem with the key, mode 0600); --p12 writes a password-protected PKCS#12 instead; --store (or --label) keeps it in the encrypted identity store.',
  options: {
    client: { type: 'boolean', description: 'a device (client) certificate for mutual TLS instead of a server certificate' },
    days: { type: 'string', value: 'N', description: 'validity in days (default 397; at most 825)' },
    key: { type: 'string', value: 'ALG', description: `key algorithm: ${KEY_ALGORITHMS.join(', ')} (default ecdsa-p256)` },
    cn: { type: 'string', value: 'NAME', description: 'subject common name (default: the first host)' },
    p12: { type: 'string', value: 'FILE', description: 'write a PKCS#12 file (password from --p12-password-file, $LOCALTLS_P12_PASSPHRASE or a prompt)' },
    profile: { type: 'string', value: 'P', description: "PKCS#12 profile: compatible (default; every iOS/Android/Java/OpenSSL) or modern (AES-256; iOS 18+)" },
    'p12-password-file': { type: 'string', value: 'FILE', description: 'read the PKCS#12 password from FILE' },
    store: { type: 'boolean', description: 'keep the identity in the home identity store' },
    label: { type: 'string', value: 'L', description: 'store label (implies --store; default: the first host)' },
    replace: { type: 'boolean', description: 'replace an identity already stored under the label' },
    'cert-file': { type: 'string', value: 'FILE', description: 'where to write the chain PEM (default <host>.pem)' },
    'key-file': { type: 'string', value: 'FILE', description: 'where to write the key PEM (default <host>-key.pem)' },
  },
  positionals: { min: 1, max: Infinity },
  examples: [
    'localtls issue listener-name.local 192.168.1.20',
    'localtls issue listener-name.local 192.168.1.20 --p12 front-desk.p12',
    'localtls issue listener-name.local --store --label front-desk',
    'localtls issue tablet-3.local --client --p12 tablet-3.p12',
  ],
  async run(ctx) {
    const hosts = ctx.positionals;
    const keyAlgorithm = choice<KeyAlgorithm>('key', str(ctx, 'key'), KEY_ALGORITHMS, 'ecdsa-p256');
    const validityDays = integer('days', str(ctx, 'days'), 1, 825, 397);
    if (str(ctx, 'profile') !== undefined) choice('profile', str(ctx, 'profile'), PROFILES);
    const client = flag(ctx, 'client');
    const ca = await loadCa(ctx);
    const identity = await ca.issue({
      hosts, validityDays, keyAlgorithm, ...(client ? { clientAuth: true, serverAuth: false } : {}),
      ...(str(ctx, 'cn') ? { commonName: str(ctx, 'cn') } : {}),
    });
    const written: { kind: string; file: string }[] = [];
    const p12 = str(ctx, 'p12');
    if (p12) written.push({ kind: 'pkcs12', file: (await writePkcs12(ctx, identity, p12, str(ctx, 'profile'))).file });
    const toStore = flag(ctx, 'store') || str(ctx, 'label') !== undefined;
    let label: string | undefined;
    if (toStore) {
      label = str(ctx, 'label') ?? hosts[0]!;
      await (await openIdentityStore(ctx)).add(identity, { label, replace: flag(ctx, 'replace') });
    }
    const wantPem = (!p12 && !toStore) || str(ctx, 'cert-file') !== undefined || str(ctx, 'key-file') !== undefined;
    if (wantPem) {
      const stem = fileStem(hosts[0]!);
      const certFile = str(ctx, 'cert-file') ?? `${stem}.pem`;
      const keyFile = str(ctx, 'key-file') ?? `${stem}-key.pem`;
      const pem = identity.toPEM();
      await writeOutput(certFile, pem.certificatePem);
      await writeOutput(keyFile, pem.keyPem, 0o600);
      written.push({ kind: 'certificate', file: certFile }, { kind: 'key', file: keyFile });
    }
    if (ctx.out.json) return ctx.out.printJson({ certificate: certificateJson(identity.certificate), files: written, label: label ?? null });
    ctx.out.line(`${ctx.out.style('green', 'issued')} ${client ? 'device' : 'server'} certificate for ${hosts.join(', ')}`);
    ctx.out.table(certificateRows(identity.certificate));
    for (const w of written) ctx.out.line(`wrote ${w.file} (${w.kind}${w.kind === 'key' || w.kind === 'pkcs12' ? ', mode 0600' : ''})`);
    if (label) ctx.out.line(`stored as "${label}" in the identity store`);
  },
};

const request: Command = {
  name: 'request',
  args: '<host…>',
  summary: 'Make a key and a certificate signing request (CSR) on this device; the key never leaves it.',
  details: 'Send the CSR to the machine holding the CA and run `localtls sign` there; bring back the certificate and keep it with `localtls store add --cert FILE --key FILE --label L`.',
  options: {
    key: { type: 'string', value: 'ALG', description: `key algorithm: ${KEY_ALGORITHMS.join(', ')} (default ecdsa-p256)` },
    cn: { type: 'string', value: 'NAME', description: 'subject common name (default: the first host)' },
    'csr-file': { type: 'string', value: 'FILE', description: 'where to write the CSR (default <host>.csr)' },
    'key-file': { type: 'string', value: 'FILE', description: 'where to write the key (default <host>-key.pem, mode 0600)' },
  },
  positionals: { min: 1, max: Infinity },
  noPassword: true,
  examples: ['localtls request listener-name.local 192.168.1.20'],
  async run(ctx) {
    const hosts = ctx.positionals;
    const keyAlgorithm = choice<KeyAlgorithm>('key', str(ctx, 'key'), KEY_ALGORITHMS, 'ecdsa-p256');
    const { csrPem, privateKey } = await createSigningRequest({ hosts, keyAlgorithm, ...(str(ctx, 'cn') ? { commonName: str(ctx, 'cn') } : {}) });
    const stem = fileStem(hosts[0]!);
    const csrFile = str(ctx, 'csr-file') ?? `${stem}.csr`;
    const keyFile = str(ctx, 'key-file') ?? `${stem}-key.pem`;
    await writeOutput(keyFile, privateKey.toPEM(), 0o600);
    await writeOutput(csrFile, csrPem);
    if (ctx.out.json) return ctx.out.printJson({ hosts, keyAlgorithm, csrFile, keyFile });
    ctx.out.line(`wrote ${csrFile} (request for ${hosts.join(', ')}) and ${keyFile} (${keyAlgorithm} key, mode 0600)`);
    ctx.out.line(`Next, on the CA machine: localtls sign ${csrFile}`);
  },
};

const sign: Command = {
  name: 'sign',
  args: '<csr>',
  summary: "Sign a device's CSR with the home CA (the CA decides the extensions; only the key and names come from the CSR).",
  options: {
    host: { type: 'string', multiple: true, value: 'H', description: 'put these hosts in the certificate instead of the requested ones' },
    client: { type: 'boolean', description: 'a device (client) certificate instead of a server certificate' },
    days: { type: 'string', value: 'N', description: 'validity in days (default 397; at most 825)' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'where to write the chain PEM (default: the CSR name with .pem)' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['localtls sign listener-name.local.csr --out listener-name.local.pem'],
  async run(ctx) {
    const csrFile = ctx.positionals[0]!;
    const validityDays = integer('days', str(ctx, 'days'), 1, 825, 397);
    const csr = await readText(csrFile, 'CSR');
    const ca = await loadCa(ctx);
    const hosts = list(ctx, 'host');
    const signed = await ca.sign(csr, { validityDays, ...(hosts.length > 0 ? { hosts } : {}), ...(flag(ctx, 'client') ? { clientAuth: true, serverAuth: false } : {}) });
    const out = str(ctx, 'out') ?? `${basename(csrFile, extname(csrFile))}.pem`;
    await writeOutput(out, signed.chainPem);
    if (ctx.out.json) return ctx.out.printJson({ file: out, certificate: certificateJson(signed.certificate) });
    ctx.out.line(`${ctx.out.style('green', 'signed')} ${csrFile} → ${out}`);
    ctx.out.table(certificateRows(signed.certificate));
  },
};

/** The top-level issuing commands. */
export const issueCommands: Command[] = [issue, request, sign];
