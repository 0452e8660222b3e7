/** `localtls ca create | show | export`: the local certificate authority kept in the home directory. */
import { stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { CertificateAuthority, KEY_ALGORITHMS, LocalTlsError, type KeyAlgorithm } from '../../index.js';
import { choice, flag, integer, str, usage, type Command } from '../command.js';
import { caCertFile, caDir, openTrustStore, readCaCertificate } from '../home.js';
import { certificateJson, certificateRows, groupedFingerprint } from '../format.js';
import { writeOutput } from '../files.js';
import { rootMobileconfig } from '../enroll/index.js';

const create: Command = {
  name: 'ca create',
  summary: 'Create the local certificate authority in the home directory and trust its root on this machine.',
  details: 'The key is encrypted with the home passphrase. The root is added to the home trust store (so `localtls connect` trusts the servers it issues for) unless --no-trust is given.',
  options: {
    name: { type: 'string', value: 'NAME', description: 'common name shown on every device (default "localtls CA (<hostname>)")' },
    org: { type: 'string', value: 'ORG', description: 'organization (O) in the subject' },
    key: { type: 'string', value: 'ALG', description: `key algorithm: ${KEY_ALGORITHMS.join(', ')} (default ecdsa-p256)` },
    days: { type: 'string', value: 'N', description: 'validity in days (default 3650)' },
    constrain: { type: 'string', value: 'local', description: 'limit the CA to local names (.local, .home.arpa, .internal, .lan) and private addresses' },
    'no-trust': { type: 'boolean', description: 'do not add the root to the home trust store' },
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls ca create --name "Front Desk CA" --constrain local'],
  async run(ctx) {
    const keyAlgorithm = choice<KeyAlgorithm>('key', str(ctx, 'key'), KEY_ALGORITHMS, 'ecdsa-p256');
    const constrain = str(ctx, 'constrain') === undefined ? undefined : choice('constrain', str(ctx, 'constrain'), ['local'] as const);
    const validityDays = integer('days', str(ctx, 'days'), 1, 36500, 3650);
    const dir = caDir(ctx.home);
    if (await stat(caCertFile(ctx.home)).then(() => true, () => false)) {
      throw new LocalTlsError('DUPLICATE_ITEM', `localtls home ${ctx.home}: expected no CA yet; found one in ${dir}`, {
        hint: 'use it (`localtls ca show`), or choose another --home; to start over, delete that directory',
      });
    }
    const passphrase = await ctx.secrets.get('home', 'new passphrase for the CA key', { confirm: true });
    const ca = await CertificateAuthority.create({
      commonName: str(ctx, 'name') ?? `localtls CA (${hostname()})`,
      ...(str(ctx, 'org') ? { organization: str(ctx, 'org') } : {}),
      keyAlgorithm, validityDays, ...(constrain ? { nameConstraints: constrain } : {}),
    });
    await ca.save(dir, { passphrase });
    const trusted = !flag(ctx, 'no-trust');
    if (trusted) await (await openTrustStore(ctx)).add(ca.certificate);
    if (ctx.out.json) return ctx.out.printJson({ dir, certificateFile: caCertFile(ctx.home), trusted, certificate: certificateJson(ca.certificate) });
    ctx.out.line(`${ctx.out.style('green', 'created')} CA in ${dir}`);
    ctx.out.table(certificateRows(ca.certificate));
    ctx.out.line();
    ctx.out.line(trusted ? 'Its root is in the home trust store.' : 'Its root was not added to the trust store (--no-trust).');
    ctx.out.line('Next: `localtls issue listener-name.local 192.168.1.20`, and install the root on devices (`localtls ca export`).');
  },
};

const show: Command = {
  name: 'ca show',
  summary: "Show the CA's root certificate: subject, validity, constraints, fingerprint (no passphrase needed).",
  options: {
    pem: { type: 'boolean', description: 'print the root as PEM after the summary' },
  },
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls ca show', 'localtls ca show --json'],
  async run(ctx) {
    const cert = await readCaCertificate(ctx);
    if (ctx.out.json) return ctx.out.printJson({ dir: caDir(ctx.home), certificate: certificateJson(cert), pem: cert.toPEM() });
    ctx.out.line(`CA in ${caDir(ctx.home)}`);
    ctx.out.table(certificateRows(cert));
    ctx.out.line();
    ctx.out.line(`Read aloud to compare on a device: ${groupedFingerprint(cert.fingerprintSha256)}`);
    if (flag(ctx, 'pem')) ctx.out.line(`\n${cert.toPEM().trimEnd()}`);
  },
};

const FORMATS = ['pem', 'der', 'mobileconfig'] as const;

const exportCa: Command = {
  name: 'ca export',
  summary: "Write the CA's root certificate for devices: PEM, DER (.cer) or an Apple configuration profile (.mobileconfig).",
  details: 'Without --out, PEM goes to standard output; DER needs --out (or a pipe).',
  options: {
    format: { type: 'string', value: 'FMT', description: 'pem (default), der or mobileconfig' },
    out: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE instead of standard output' },
  },
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls ca export --format der --out root.cer', 'localtls ca export --format mobileconfig --out root.mobileconfig', 'localtls ca export > root.pem'],
  async run(ctx) {
    const format = choice('format', str(ctx, 'format'), FORMATS, 'pem');
    const cert = await readCaCertificate(ctx);
    let data: string | Uint8Array;
    if (format === 'pem') data = cert.toPEM();
    else if (format === 'der') data = cert.toDER();
    else data = rootMobileconfig(cert);
    const out = str(ctx, 'out');
    if (out) {
      await writeOutput(out, data);
      if (ctx.out.json) return ctx.out.printJson({ file: out, format, fingerprintSha256: cert.fingerprintSha256 });
      ctx.out.line(`wrote ${out} (${format}; SHA-256 ${cert.fingerprintSha256})`);
      return;
    }
    if (typeof data !== 'string' && ctx.out.stdout.isTTY) throw usage(`--format ${format} is binary: expected --out FILE or a pipe`);
    ctx.out.stdout.write(data);
  },
};

/** The `ca` group. */
export const caCommands: Command[] = [create, show, exportCa];
