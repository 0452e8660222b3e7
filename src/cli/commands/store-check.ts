/**
 * `localtls store check`: what needs action in the home stores — identities expired or due for
 * renewal, failing renewals, chains that reach no trusted root, weak keys, roots close to expiry.
 */
import { evaluateTrust, lintCertificate, renewalStatus } from '../../index.js';
import { integer, str, type Command } from '../command.js';
import { openIdentityStore, openTrustStore } from '../home.js';

const DAY_MS = 86_400_000;

/** One identity's findings. */
interface IdentityReport {
  label: string;
  subject: string;
  notAfter: string;
  daysLeft: number;
  expired: boolean;
  renewalDue: boolean;
  renewalDueAt: string;
  lastRenewalFailure: { at: string; code: string; message: string; failures: number } | null;
  trusted: boolean;
  trustCode: string | null;
  weakKey: string | null;
  actions: string[];
}

/** One root's findings. */
interface RootReport {
  fingerprintSha256: string;
  subject: string;
  notAfter: string;
  daysLeft: number;
  actions: string[];
}

const check: Command = {
  name: 'store check',
  summary: 'Check the identity and trust stores: expiry, renewal due or failing, chains to a trusted root, weak keys, roots expiring. Exit 1 when something needs action.',
  details: 'Renewal is due once two thirds of a certificate\'s lifetime has passed (or --renew-before DAYS before expiry). A renewal failure is the last one `keepRenewed({ identityStore, label })` recorded since its last success. A root needs action when it expires within --root-days (default 90).',
  options: {
    'renew-before': { type: 'string', value: 'DAYS', description: 'renewal is due this many days before expiry (default: a third of the lifetime)' },
    'root-days': { type: 'string', value: 'DAYS', description: 'warn about roots expiring within DAYS (default 90)' },
  },
  positionals: { min: 0, max: 0 },
  examples: ['localtls store check', 'localtls store check --json', 'localtls store check --renew-before 30'],
  async run(ctx) {
    const renewBefore = str(ctx, 'renew-before') === undefined ? undefined : integer('renew-before', str(ctx, 'renew-before'), 0, 36_500) * DAY_MS;
    const rootDays = integer('root-days', str(ctx, 'root-days'), 0, 36_500, 90);
    const store = await openIdentityStore(ctx);
    const trust = await openTrustStore(ctx);
    const roots = await trust.list();
    const anchors = roots.map((r) => r.certificate);
    const now = new Date();
    const identities: IdentityReport[] = [];
    for (const item of await store.list()) {
      const identity = await store.get(item.label);
      const cert = identity.certificate;
      const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
      const dueAt = new Date(cert.notAfter.getTime() - (renewBefore ?? Math.floor(lifetime / 3)));
      const daysLeft = Math.floor((cert.notAfter.getTime() - now.getTime()) / DAY_MS);
      const expired = cert.notAfter.getTime() <= now.getTime();
      const renewalDue = !expired && now.getTime() >= dueAt.getTime();
      const { lastFailure } = await renewalStatus(store, item.label);
      const result = anchors.length > 0 ? await evaluateTrust(identity.chain, { anchors, policy: { kind: 'basicX509' }, time: now }) : undefined;
      const weakKey = lintCertificate(cert).find((f) => f.code === 'WEAK_RSA_KEY' || f.code === 'WEAK_EC_KEY')?.message ?? null;
      const actions: string[] = [];
      if (expired) actions.push('expired: renew or re-issue it');
      else if (renewalDue) actions.push(`renewal due since ${dueAt.toISOString()}`);
      if (lastFailure) actions.push(`last renewal failed at ${lastFailure.at.toISOString()} (${lastFailure.code}, ${lastFailure.failures} time(s) in a row)`);
      if (!result?.trusted) actions.push(anchors.length === 0 ? 'no trusted roots installed' : `does not chain to a trusted root (${result!.error?.code ?? 'NOT_TRUSTED'})`);
      if (weakKey) actions.push(`weak key: ${weakKey}`);
      identities.push({
        label: item.label, subject: cert.subject, notAfter: cert.notAfter.toISOString(), daysLeft, expired, renewalDue, renewalDueAt: dueAt.toISOString(),
        lastRenewalFailure: lastFailure ? { at: lastFailure.at.toISOString(), code: lastFailure.code, message: lastFailure.message, failures: lastFailure.failures } : null,
        trusted: result?.trusted ?? false, trustCode: result?.trusted ? null : (result?.error?.code ?? 'NOT_TRUSTED'), weakKey, actions,
      });
    }
    const rootReports: RootReport[] = roots.map((r) => {
      const daysLeft = Math.floor((r.notAfter.getTime() - now.getTime()) / DAY_MS);
      const actions = r.notAfter.getTime() <= now.getTime() ? ['expired: remove it (`localtls trust remove`) and install the CA\'s new root']
        : daysLeft < rootDays ? [`expires in ${daysLeft} days: roll the CA over (see docs/enrollment.md)`] : [];
      return { fingerprintSha256: r.fingerprintSha256, subject: r.subject, notAfter: r.notAfter.toISOString(), daysLeft, actions };
    });
    const problems = (await store.check()).map((p) => ({ file: p.file, label: p.label ?? null, code: p.error.code, message: p.error.message }));
    const needsAction = identities.some((i) => i.actions.length > 0) || rootReports.some((r) => r.actions.length > 0) || problems.length > 0;
    const code = needsAction ? 1 : 0;
    if (ctx.out.json) {
      ctx.out.printJson({ ok: !needsAction, identities, roots: rootReports, problems });
      return code;
    }
    if (identities.length === 0) ctx.out.line(`no identities in ${store.dir}`);
    for (const i of identities) {
      const status = i.actions.length === 0 ? ctx.out.style('green', 'ok') : ctx.out.style(i.expired || !i.trusted ? 'red' : 'yellow', 'needs action');
      ctx.out.line(`${ctx.out.style('bold', i.label)}  ${status}  expires ${i.notAfter.slice(0, 10)} (${i.daysLeft} days left); renewal due ${i.renewalDueAt.slice(0, 10)}`);
      for (const a of i.actions) ctx.out.line(`  - ${a}`);
    }
    if (rootReports.length === 0) ctx.out.line(`no roots in ${trust.dir}`);
    for (const r of rootReports) {
      ctx.out.line(`root ${r.subject}  ${r.actions.length === 0 ? ctx.out.style('green', 'ok') : ctx.out.style('yellow', 'needs action')}  expires ${r.notAfter.slice(0, 10)} (${r.daysLeft} days left)  ${r.fingerprintSha256.slice(0, 23)}…`);
      for (const a of r.actions) ctx.out.line(`  - ${a}`);
    }
    for (const p of problems) ctx.out.warn(`${p.label ? `"${p.label}"` : p.file}: ${p.code}: ${p.message}`);
    return code;
  },
};

/** The `store check` command. */
export const storeCheckCommands: Command[] = [check];
