/** `localtls store list | add | get | delete`: the encrypted identity store in the home directory. */
import { flag, required, str, usage, type Command } from '../command.js';
import { openIdentityStore } from '../home.js';
import { certificateRows, identityJson } from '../format.js';
import { identityFromFiles, identityFromPkcs12File, writeOutput } from '../files.js';

const listCmd: Command = {
  name: 'store list',
  summary: 'List the stored identities: label, names, expiry (never keys). Unreadable items are reported.',
  options: {},
  positionals: { min: 0, max: 0 },
  examples: ['localtls store list', 'localtls store list --json'],
  async run(ctx) {
    const store = await openIdentityStore(ctx);
    const items = await store.list();
    const problems = await store.check();
    if (ctx.out.json) return ctx.out.printJson({ dir: store.dir, items, problems: problems.map((p) => ({ file: p.file, label: p.label ?? null, code: p.error.code, message: p.error.message })) });
    if (items.length === 0) ctx.out.line(`no identities in ${store.dir}`);
    const now = Date.now();
    for (const item of items) {
      const days = Math.floor((item.notAfter.getTime() - now) / 86_400_000);
      const expiry = days < 0 ? ctx.out.style('red', 'expired') : days <= 30 ? ctx.out.style('yellow', `expires in ${days} days`) : `expires ${item.notAfter.toISOString().slice(0, 10)}`;
      ctx.out.line(`${ctx.out.style('bold', item.label)}  ${item.hosts.join(', ') || item.subject}  ${expiry}`);
    }
    for (const p of problems) ctx.out.warn(`${p.label ? `"${p.label}"` : p.file}: ${p.error.code}: ${p.error.message}`);
    return problems.length > 0 ? 1 : 0;
  },
};

const add: Command = {
  name: 'store add',
  summary: 'Store an identity from PEM files (certificate chain + key) or a PKCS#12 file under a label.',
  options: {
    label: { type: 'string', value: 'L', description: 'the label to store it under (required)' },
    cert: { type: 'string', value: 'FILE', description: 'PEM chain (may also hold the key)' },
    key: { type: 'string', value: 'FILE', description: 'PEM key (default: inside the --cert file)' },
    p12: { type: 'string', value: 'FILE', description: 'instead of --cert: a PKCS#12 file' },
    'p12-password-file': { type: 'string', value: 'FILE', description: 'read the PKCS#12 password from FILE' },
    replace: { type: 'boolean', description: 'replace an identity already stored under the label' },
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls store add --label front-desk --cert listener-name.local.pem --key listener-name.local-key.pem'],
  async run(ctx) {
    const label = required(ctx, 'label', 'the label to store the identity under');
    const cert = str(ctx, 'cert');
    const p12 = str(ctx, 'p12');
    if ((cert === undefined) === (p12 === undefined)) throw usage('store add: expected either --cert FILE [--key FILE] or --p12 FILE');
    const identity = cert !== undefined ? await identityFromFiles(cert, str(ctx, 'key')) : await identityFromPkcs12File(p12!, ctx.secrets);
    const info = await (await openIdentityStore(ctx)).add(identity, { label, replace: flag(ctx, 'replace') });
    if (ctx.out.json) return ctx.out.printJson(info);
    ctx.out.line(`${ctx.out.style('green', 'stored')} "${info.label}" (${info.subject}; ${info.hosts.join(', ')})`);
  },
};

const get: Command = {
  name: 'store get',
  args: '<label>',
  summary: 'Show a stored identity; with --cert-file/--key-file, write it out as PEM.',
  options: {
    'cert-file': { type: 'string', value: 'FILE', description: 'write the chain PEM to FILE' },
    'key-file': { type: 'string', value: 'FILE', description: 'write the key PEM to FILE (mode 0600, unencrypted)' },
  },
  positionals: { min: 1, max: 1 },
  examples: ['localtls store get front-desk', 'localtls store get front-desk --cert-file desk.pem --key-file desk-key.pem'],
  async run(ctx) {
    const identity = await (await openIdentityStore(ctx)).get(ctx.positionals[0]!);
    const pem = identity.toPEM();
    const files: string[] = [];
    const certFile = str(ctx, 'cert-file');
    const keyFile = str(ctx, 'key-file');
    if (certFile) { await writeOutput(certFile, pem.certificatePem); files.push(certFile); }
    if (keyFile) { await writeOutput(keyFile, pem.keyPem, 0o600); files.push(keyFile); }
    if (ctx.out.json) return ctx.out.printJson({ ...identityJson(identity), files });
    ctx.out.line(`"${identity.friendlyName}" (${identity.privateKey.algorithm} key, ${identity.chain.length} certificate(s))`);
    ctx.out.table(certificateRows(identity.certificate));
    for (const f of files) ctx.out.line(`wrote ${f}`);
  },
};

const del: Command = {
  name: 'store delete',
  args: '<label>',
  summary: 'Delete a stored identity.',
  options: {},
  positionals: { min: 1, max: 1 },
  examples: ['localtls store delete old-printer'],
  async run(ctx) {
    const label = ctx.positionals[0]!;
    await (await openIdentityStore(ctx)).delete(label);
    if (ctx.out.json) return ctx.out.printJson({ deleted: label });
    ctx.out.line(`deleted "${label}"`);
  },
};

/** The `store` group. */
export const storeCommands: Command[] = [listCmd, add, get, del];
