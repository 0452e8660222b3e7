/** `localtls enroll`: a plain-HTTP page from which phones and tablets install the CA's root. */
import { startEnrollServer, terminalQr } from '../enroll/index.js';
import { integer, required, str, usage, type Command } from '../command.js';
import { readCaCertificate } from '../home.js';
import { groupedFingerprint } from '../format.js';
import { useColor } from '../output.js';

const enroll: Command = {
  name: 'enroll',
  summary: "Serve a page (plain HTTP) where devices download and install the CA's root: fingerprint, per-platform steps, root.cer, root.pem, root.mobileconfig, QR code.",
  details: 'Binds only the address you name. The page never holds private material. Prints the URL (and a QR code of it) once it listens; runs until interrupted.',
  options: {
    host: { type: 'string', value: 'ADDRESS', description: 'the address to bind, e.g. 192.168.1.20 (required; 0.0.0.0 binds every interface)' },
    port: { type: 'string', short: 'p', value: 'N', description: 'port (default 0: any free port)' },
    url: { type: 'string', value: 'URL', description: 'the URL devices should open (default http://ADDRESS:PORT/); set it when binding 0.0.0.0' },
    'no-qr': { type: 'boolean', description: 'do not draw the QR code in the terminal' },
  },
  positionals: { min: 0, max: 0 },
  noPassword: true,
  examples: ['localtls enroll --host 192.168.1.20 --port 8080', 'localtls enroll --host 127.0.0.1 --port 0'],
  async run(ctx) {
    const host = required(ctx, 'host', 'the address devices reach this machine on (e.g. 192.168.1.20)');
    const port = integer('port', str(ctx, 'port'), 0, 65535, 0);
    const publicUrl = str(ctx, 'url');
    if (publicUrl !== undefined && !/^https?:\/\/\S+$/.test(publicUrl)) throw usage(`--url: expected an http:// URL; found ${JSON.stringify(publicUrl)}`);
    const certificate = await readCaCertificate(ctx);
    const server = await startEnrollServer({ certificate, host, port, ...(publicUrl ? { publicUrl } : {}) });
    try {
      if (ctx.out.json) ctx.out.printJson({ event: 'ready', url: server.url, host: server.host, port: server.port, fingerprintSha256: certificate.fingerprintSha256 });
      else {
        ctx.out.line(`enrollment page: ${server.url}`);
        ctx.out.line(`  CA ${certificate.subject}; SHA-256 ${groupedFingerprint(certificate.fingerprintSha256)}`);
        ctx.out.line('  On each device: open the URL, install the root, and check that the fingerprint matches. Ctrl-C stops.');
        if (ctx.values['no-qr'] !== true) ctx.out.stdout.write(terminalQr(server.url, { color: useColor(ctx.out.stdout, ctx.env, ctx.values['no-color'] === true) }));
      }
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        ctx.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      await server.close();
    }
    if (!ctx.out.json) ctx.out.line('stopped');
  },
};

/** The `enroll` command. */
export const enrollCommands: Command[] = [enroll];
