/** `localtls lint <cert>`: the rules Apple, Android and Chrome apply, checked before a device sees the certificate. */
import { lintCertificate, type LintPlatform } from '../../index.js';
import { choice, list, str, type Command } from '../command.js';
import { readCertificates } from '../files.js';

const PLATFORMS = ['apple', 'android', 'chrome'] as const;

const lint: Command = {
  name: 'lint',
  args: '<cert>',
  summary: "Check a certificate (PEM or DER; every certificate of a bundle) against a platform's rules. Exits 1 when a platform would refuse it.",
  options: {
    platform: { type: 'string', value: 'P', description: 'apple (default, the strictest), android or chrome' },
    host: { type: 'string', multiple: true, value: 'H', description: 'a name or address the certificate must cover' },
  },
  positionals: { min: 1, max: 1 },
  noPassword: true,
  examples: ['localtls lint listener-name.local.pem --host listener-name.local --host 192.168.1.20'],
  async run(ctx) {
    const platform = choice<LintPlatform>('platform', str(ctx, 'platform'), PLATFORMS, 'apple');
    const hosts = list(ctx, 'host');
    const certs = await readCertificates(ctx.positionals[0]!);
    const results = certs.map((cert, i) => ({
      subject: cert.subject,
      fingerprintSha256: cert.fingerprintSha256,
      findings: lintCertificate(cert, { platform, ...(i === 0 && hosts.length > 0 ? { hosts } : {}) }),
    }));
    const refused = results.some((r) => r.findings.some((f) => f.severity === 'error'));
    if (ctx.out.json) {
      ctx.out.printJson({ platform, ok: !refused, certificates: results });
      return refused ? 1 : 0;
    }
    for (const r of results) {
      const errors = r.findings.filter((f) => f.severity === 'error').length;
      ctx.out.line(`${r.subject}: ${r.findings.length === 0 ? ctx.out.style('green', `clean for ${platform}`) : errors > 0 ? ctx.out.style('red', `${platform} refuses it`) : ctx.out.style('yellow', `${platform} accepts it, with warnings`)}`);
      for (const f of r.findings) ctx.out.line(`  ${f.severity === 'error' ? ctx.out.style('red', 'error') : ctx.out.style('yellow', 'warning')} ${f.code}: ${f.message}`);
    }
    return refused ? 1 : 0;
  },
};

/** The `lint` command. */
export const lintCommands: Command[] = [lint];
