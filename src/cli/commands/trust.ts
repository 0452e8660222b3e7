/** `localtls trust add | list | remove | bundle`: the home trust store (roots `connect` and `inspect` trust). */
import { str, type Command } from '../command.js';
import { openTrustStore } from '../home.js';
import { certificateJson, groupedFingerprint } from '../format.js';
import { readCertificates, writeOutput } from '../files.js';

const add: Command = {
  name: 'trust add',
  args: '<cert>',
  summary: "Install a CA's root certificate (PEM or DER) in the home trust store.",
  details: 'Compare the fingerprint it prints with the one the CA machine shows (`localtls ca show`) before relying on it.',
  options: {},
  positionals: { min: 1, max: 1 },
  noPassword: true,
  examples: ['localtls trust add root.cer'],
  async run(ctx) {
    const certs = await readCertificates(ctx.positionals[0]!, 'root certificate file');
    const store = await openTrustStore(ctx);
    const added: string[] = [];
    for (const cert of certs) added.push(await store.add(cert));
    if (ctx.out.json) return ctx.out.printJson({ added: certs.map(certificateJson) });
    for (const cert of certs) ctx.out.line(`${ctx.out.style('green', 'trusted')} ${cert.subject}\n  SHA-256 ${groupedFingerprint(cert.fingerprintSha256)}`);
  },
};

const list: Command = {
  name: 'trust list',
  summary: 'List the installed roots.',
  options: {},
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls trust list --json'],
  async run(ctx) {
    const store = await openTrustStore(ctx);
    const roots = await store.list();
    if (ctx.out.json) return ctx.out.printJson({ dir: store.dir, roots: roots.map((r) => certificateJson(r.certificate)) });
    if (roots.length === 0) ctx.out.line(`no roots in ${store.dir}`);
    for (const r of roots) ctx.out.line(`${ctx.out.style('bold', r.subject)}  until ${r.notAfter.toISOString().slice(0, 10)}\n  ${r.fingerprintSha256}`);
  },
};

const remove: Command = {
  name: 'trust remove',
  args: '<fingerprint>',
  summary: 'Remove an installed root by its SHA-256 fingerprint (colon hex or plain hex, as `trust list` shows).',
  options: {},
  positionals: { min: 1, max: 1 },
  noPassword: true,
  examples: ['localtls trust remove 3A:5F:…'],
  async run(ctx) {
    await (await openTrustStore(ctx)).remove(ctx.positionals[0]!);
    if (ctx.out.json) return ctx.out.printJson({ removed: ctx.positionals[0] });
    ctx.out.line(`removed ${ctx.positionals[0]}`);
  },
};

const bundle: Command = {
  name: 'trust bundle',
  summary: 'Print every installed root as one PEM bundle (for NODE_EXTRA_CA_CERTS, curl --cacert, …).',
  options: { out: { type: 'string', short: 'o', value: 'FILE', description: 'write the bundle to FILE' } },
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls trust bundle --out roots.pem', 'NODE_EXTRA_CA_CERTS=roots.pem node app.js'],
  async run(ctx) {
    const store = await openTrustStore(ctx);
    const pem = await store.bundle();
    const out = str(ctx, 'out');
    if (out) await writeOutput(out, pem);
    if (ctx.out.json) return ctx.out.printJson({ file: out ?? null, roots: (await store.list()).length, pem });
    if (out) ctx.out.line(`wrote ${out}`);
    else ctx.out.stdout.write(pem);
  },
};

/** The `trust` group. */
export const trustCommands: Command[] = [add, list, remove, bundle];
