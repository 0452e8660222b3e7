/** `localtls join`: pairs this device with a CA machine running `localtls pair`. */
import { enroll } from '../../index.js';
import { integer, list, required, str, type Command } from '../command.js';
import { openIdentityStore, openTrustStore } from '../home.js';
import { groupedFingerprint, sanText } from '../format.js';
import { RESOLVE_OPTION, resolverFrom } from '../net.js';

const join: Command = {
  name: 'join',
  summary: 'Pair this device with a CA machine running `localtls pair`: makes a key here, proves the code, and stores the issued identity and the CA\'s root.',
  details: 'Nothing but a proof of the code is sent before the CA machine proves that it knows the code too; then a CSR (never the key). The identity goes into the identity store under --label, the root into the trust store.',
  args: '<host>',
  options: {
    code: { type: 'string', short: 'c', value: 'CODE', description: 'the code `localtls pair` shows (e.g. K7QM-2XDA; required)' },
    port: { type: 'string', short: 'p', value: 'N', description: 'port of the pairing endpoint (default 4434)' },
    fingerprint: { type: 'string', value: 'SHA256', description: 'refuse unless the CA root has this SHA-256 fingerprint (as `localtls pair` shows it)' },
    name: { type: 'string', multiple: true, value: 'H', description: 'a name or address to ask for (default: <hostname>.local)' },
    label: { type: 'string', value: 'LABEL', description: 'label in the identity store (default: the first name)' },
    resolve: RESOLVE_OPTION,
  },
  positionals: { min: 1, max: 1 },
  examples: ['localtls join front-desk.local --code K7QM-2XDA', 'localtls join 192.168.1.20 --port 4434 --code K7QM-2XDA --name tablet-3.local --label tablet'],
  async run(ctx) {
    const host = ctx.positionals[0]!;
    const code = required(ctx, 'code', 'the one-time code shown by `localtls pair` on the CA machine');
    const port = integer('port', str(ctx, 'port'), 1, 65535, 4434);
    const names = list(ctx, 'name');
    const fingerprint = str(ctx, 'fingerprint');
    const label = str(ctx, 'label');
    const lookup = resolverFrom(ctx);
    const identityStore = await openIdentityStore(ctx);
    const trustStore = await openTrustStore(ctx);
    const result = await enroll({
      host, port, code, identityStore, trustStore, stepTimeoutMs: 5 * 60_000,
      ...(names.length > 0 ? { hosts: names } : {}), ...(fingerprint ? { rootFingerprint: fingerprint } : {}),
      ...(label ? { label } : {}), ...(lookup ? { lookup } : {}),
    });
    const cert = result.identity.certificate;
    if (ctx.out.json) ctx.out.printJson({ label: result.label, profile: result.profile, subject: cert.subject, subjectAltNames: cert.subjectAltNames, notAfter: cert.notAfter, rootFingerprintSha256: result.root.fingerprintSha256 });
    else {
      ctx.out.line(`paired as ${result.profile}: identity '${result.label}' (${sanText(cert)}), valid until ${cert.notAfter.toISOString().slice(0, 10)}`);
      ctx.out.line(`  trusted root ${result.root.subject}; SHA-256 ${groupedFingerprint(result.root.fingerprintSha256)}`);
    }
  },
};

/** The `join` command. */
export const joinCommands: Command[] = [join];
