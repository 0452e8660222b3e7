/** `localtls pair`: lets one device join this machine's CA over the network with a one-time code. */
import { createInterface } from 'node:readline';
import { isIP } from 'node:net';
import { startEnrollment, LocalTlsError, type EnrollmentDecision, type EnrollmentRequest } from '../../index.js';
import { choice, flag, integer, list, str, usage, type Command, type Context } from '../command.js';
import { loadCa } from '../home.js';
import { groupedFingerprint } from '../format.js';
import { useColor } from '../output.js';
import { terminalQr } from '../enroll/index.js';

type Profile = 'server' | 'client';

/** Asks the operator on the terminal; end of input (a script without --yes) declines. */
function prompter(ctx: Context): { ask(question: string): Promise<string>; close(): void } {
  const rl = createInterface({ input: ctx.stdin, terminal: false });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let ended = false;
  rl.on('line', (line) => { const w = waiting.shift(); if (w) w(line); else lines.push(line); });
  rl.on('close', () => { ended = true; for (const w of waiting.splice(0)) w(''); });
  return {
    ask(question) {
      ctx.out.stderr.write(question);
      if (lines.length > 0) return Promise.resolve(lines.shift()!);
      if (ended) return Promise.resolve('');
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () => rl.close(),
  };
}

/** The decision for one request: --yes approves with --profile; else a prompt. */
async function decide(ctx: Context, request: EnrollmentRequest, profile: Profile | undefined, ask: (q: string) => Promise<string>): Promise<EnrollmentDecision> {
  const who = `${request.commonName ?? '(no name)'} [${request.hosts.join(', ')}] from ${request.remoteAddress ?? '?'}`;
  ctx.out.note(`device asks to join: ${who}`);
  ctx.out.note(`  its key SHA-256 ${groupedFingerprint(request.publicKeySha256)}`);
  if (flag(ctx, 'yes')) return { profile: profile ?? 'client' };
  const answer = (await ask(`approve as ${profile ? `${profile} [y/N]` : '[c]lient, [s]erver or [N]o'}? `)).trim().toLowerCase();
  if (profile) return answer === 'y' || answer === 'yes' ? { profile } : false;
  if (answer === 'c' || answer === 'client') return { profile: 'client' };
  if (answer === 's' || answer === 'server') return { profile: 'server' };
  return false;
}

const pair: Command = {
  name: 'pair',
  summary: 'Let one device join the home CA over the network: shows a one-time code and the root fingerprint, signs the device\'s request once you approve.',
  details: 'The device runs `localtls join <this machine> --code CODE`. Its key is made on the device and never leaves it. The code is single-use, expires (default 10 minutes) and dies after 5 wrong tries. Exits once a device joined.',
  options: {
    host: { type: 'string', value: 'ADDRESS', description: 'address to bind (default: all addresses)' },
    port: { type: 'string', short: 'p', value: 'N', description: 'port (default 4434; 0 = any free port)' },
    name: { type: 'string', multiple: true, value: 'H', description: 'a name or address of this machine for the endpoint\'s certificate (e.g. front-desk.local)' },
    profile: { type: 'string', value: 'server|client', description: 'the profile to issue: client (mutual TLS only) or server (can also listen); default: ask' },
    yes: { type: 'boolean', short: 'y', description: 'approve the device without asking (scripts); with --profile, default client' },
    minutes: { type: 'string', value: 'N', description: 'code lifetime in minutes (default 10)' },
    'validity-days': { type: 'string', value: 'N', description: 'validity of the issued certificate (default 397)' },
    'no-qr': { type: 'boolean', description: 'do not draw the QR code of the join command' },
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls pair --name front-desk.local', 'localtls pair --host 127.0.0.1 --port 0 --profile client --yes'],
  async run(ctx) {
    const host = str(ctx, 'host');
    if (host !== undefined && isIP(host) === 0) throw usage(`--host: expected an IP address to bind (e.g. 192.168.1.20 or 0.0.0.0); found ${JSON.stringify(host)}`);
    const port = integer('port', str(ctx, 'port'), 0, 65535, 4434);
    const profile = str(ctx, 'profile') === undefined ? undefined : choice<Profile>('profile', str(ctx, 'profile'), ['server', 'client']);
    const ttlMs = integer('minutes', str(ctx, 'minutes'), 1, 24 * 60, 10) * 60_000;
    const validity = str(ctx, 'validity-days');
    const hosts = [...new Set([...list(ctx, 'name'), ...(host && host !== '0.0.0.0' && host !== '::' ? [host] : []), '127.0.0.1', '::1'])];
    const ca = await loadCa(ctx);
    const prompt = prompter(ctx);
    const enrollment = await startEnrollment({
      ca, port, hosts, ttlMs, ...(host ? { host } : {}),
      ...(validity !== undefined ? { validityDays: integer('validity-days', validity, 1, 825) } : {}),
      approve: (request) => decide(ctx, request, profile, prompt.ask),
    });
    try {
      const dial = host && host !== '0.0.0.0' && host !== '::' ? host : list(ctx, 'name')[0] ?? '<this machine>';
      const join = `localtls join ${dial} --port ${enrollment.port} --code ${enrollment.code} --fingerprint ${ca.certificate.fingerprintSha256.replace(/:/g, '')}`;
      if (ctx.out.json) ctx.out.printJson({ event: 'ready', port: enrollment.port, code: enrollment.code, expiresAt: enrollment.expiresAt, fingerprintSha256: enrollment.rootFingerprint });
      else {
        ctx.out.line(`pairing code: ${enrollment.code}  (single use, until ${enrollment.expiresAt.toISOString().slice(11, 16)} UTC)`);
        ctx.out.line(`  listening on port ${enrollment.port}; CA ${ca.certificate.subject}`);
        ctx.out.line(`  root SHA-256 ${groupedFingerprint(enrollment.rootFingerprint)}`);
        ctx.out.line(`  on the device: ${join}`);
        if (ctx.values['no-qr'] !== true) ctx.out.stdout.write(terminalQr(join, { color: useColor(ctx.out.stdout, ctx.env, ctx.values['no-color'] === true) }));
      }
      enrollment.on('refused', (error: LocalTlsError, from: string | undefined) => ctx.out.note(`${from ?? '?'}: refused: ${error.code}: ${error.message}`));
      const outcome = await new Promise<LocalTlsError | 'enrolled' | 'stopped'>((resolve) => {
        enrollment.enrolled.then(() => resolve('enrolled'), () => undefined);
        enrollment.on('refused', () => { const dead = deadCode(enrollment.status); if (dead) resolve(dead); });
        const expiry = setTimeout(() => resolve(deadCode('expired')!), Math.max(0, enrollment.expiresAt.getTime() - Date.now()));
        expiry.unref();
        if (ctx.signal.aborted) resolve('stopped');
        ctx.signal.addEventListener('abort', () => resolve('stopped'), { once: true });
      });
      if (outcome instanceof LocalTlsError) throw outcome;
      if (outcome === 'enrolled') {
        const device = await enrollment.enrolled;
        if (ctx.out.json) ctx.out.stdout.write(`${JSON.stringify({ event: 'enrolled', profile: device.profile, subject: device.certificate.subject, fingerprintSha256: device.certificate.fingerprintSha256 })}\n`);
        else ctx.out.line(`paired: ${device.certificate.subject} as ${device.profile}, valid until ${device.certificate.notAfter.toISOString().slice(0, 10)}`);
      } else ctx.out.line('stopped');
    } finally {
      prompt.close();
      await enrollment.close();
    }
  },
};

function deadCode(status: string): LocalTlsError | undefined {
  if (status === 'exhausted') return new LocalTlsError('PAIRING_CODE_EXHAUSTED', 'pair: expected a device to type the code right; found too many wrong tries, so the code is dead', { hint: 'run `localtls pair` again' });
  if (status === 'expired') return new LocalTlsError('PAIRING_CODE_EXPIRED', 'pair: expected a device to join before the code expired; none did', { hint: 'run `localtls pair` again' });
  return undefined;
}

/** The `pair` command. */
export const pairCommands: Command[] = [pair];
