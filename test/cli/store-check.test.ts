/** `localtls store check`: expiry, renewal due, recorded renewal failures, chains to a trusted root, roots; exit code and --json. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { CertificateAuthority, Identity, IdentityStore, PrivateKey, TrustStore, createSigningRequest, recordRenewal, storePaths } from '../../src/index.js';
import { allowWeakKey } from '../../src/danger/index.js';
import { cli, json, tempDir, type CliResult } from './cli-helpers.js';

const PASS = 'store check passphrase';
let dir: string;
let home: string;
let cleanup: () => Promise<void>;

function lt(args: string[]): Promise<CliResult> {
  return cli([...args, '--home', home], { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS } });
}

function exits(r: CliResult, code: number): CliResult {
  assert.equal(r.code, code, `expected exit ${code}; got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

interface Report {
  ok: boolean;
  identities: { label: string; daysLeft: number; expired: boolean; renewalDue: boolean; trusted: boolean; trustCode: string | null; weakKey: string | null; lastRenewalFailure: { code: string; failures: number } | null; actions: string[] }[];
  roots: { subject: string; daysLeft: number; actions: string[] }[];
  problems: unknown[];
}

before(async () => {
  ({ dir, cleanup } = await tempDir());
  home = join(dir, 'home');
  exits(await lt(['ca', 'create', '--name', 'Check CA']), 0);
  exits(await lt(['issue', 'desk.local', '--store', '--label', 'desk']), 0);
});

after(async () => {
  await cleanup();
});

test('store check: a fresh identity under the installed root needs nothing (exit 0); text and --json', async () => {
  const text = exits(await lt(['store', 'check']), 0);
  assert.match(text.stdout, /^desk {2}ok {2}expires \d{4}-\d\d-\d\d \(39\d days left\); renewal due \d{4}-/m);
  assert.match(text.stdout, /^root CN=Check CA {2}ok {2}expires/m);
  const report = json<Report>(exits(await lt(['store', 'check', '--json']), 0));
  assert.equal(report.ok, true);
  assert.equal(report.identities.length, 1);
  const desk = report.identities[0]!;
  assert.equal(desk.label, 'desk');
  assert.ok(desk.daysLeft >= 395 && desk.daysLeft <= 397, String(desk.daysLeft));
  assert.deepEqual([desk.expired, desk.renewalDue, desk.trusted, desk.trustCode, desk.weakKey, desk.lastRenewalFailure, desk.actions], [false, false, true, null, null, null, []]);
  assert.equal(report.roots.length, 1);
  assert.ok(report.roots[0]!.daysLeft > 3600);
  assert.deepEqual(report.problems, []);
});

test('store check: renewal due (--renew-before), a recorded renewal failure, a chain to no trusted root and a root close to expiry each exit 1', async () => {
  const due = json<Report>(exits(await lt(['store', 'check', '--json', '--renew-before', '400']), 1));
  assert.equal(due.identities[0]!.renewalDue, true);
  assert.match(due.identities[0]!.actions[0]!, /^renewal due since /);

  const store = await IdentityStore.open({ dir: storePaths(home).identities, passphrase: PASS });
  await recordRenewal(store, 'desk', { at: new Date(), ok: false, code: 'CONNECTION_REFUSED', message: 'renewal of CN=desk.local: connection refused', failures: 2, nextTryAt: new Date(Date.now() + 60_000) });
  const failing = json<Report>(exits(await lt(['store', 'check', '--json']), 1));
  assert.deepEqual(failing.identities[0]!.lastRenewalFailure && { code: failing.identities[0]!.lastRenewalFailure.code, failures: failing.identities[0]!.lastRenewalFailure.failures }, { code: 'CONNECTION_REFUSED', failures: 2 });
  const text = exits(await lt(['store', 'check']), 1);
  assert.match(text.stdout, /^desk {2}needs action/m);
  assert.match(text.stdout, /last renewal failed at .* \(CONNECTION_REFUSED, 2 time\(s\) in a row\)/);
  await recordRenewal(store, 'desk', { at: new Date(), ok: true });
  exits(await lt(['store', 'check']), 0);

  const stranger = await CertificateAuthority.create({ commonName: 'Other CA' });
  await store.add(await stranger.issue({ hosts: ['stranger.local'] }), { label: 'stranger' });
  const untrusted = json<Report>(exits(await lt(['store', 'check', '--json']), 1));
  const entry = untrusted.identities.find((i) => i.label === 'stranger')!;
  assert.equal(entry.trusted, false);
  assert.equal(entry.trustCode, 'NOT_TRUSTED');
  assert.match(entry.actions.join('\n'), /does not chain to a trusted root/);
  assert.deepEqual(untrusted.identities.find((i) => i.label === 'desk')!.actions, []);
  await store.delete('stranger');

  const rootSoon = json<Report>(exits(await lt(['store', 'check', '--json', '--root-days', '4000']), 1));
  assert.match(rootSoon.roots[0]!.actions[0]!, /^expires in \d+ days: roll the CA over/);
  const bad = exits(await lt(['store', 'check', '--renew-before', 'soon']), 2);
  assert.match(bad.stderr, /^USAGE: /m);
});

test('store check: an identity with a weak (1024-bit RSA) key needs action', async () => {
  const legacy = allowWeakKey(await CertificateAuthority.create({ commonName: 'Legacy CA' }));
  await (await TrustStore.open({ dir: storePaths(home).trust })).add(legacy.certificate);
  const privateKey = PrivateKey.fromKeyObject(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
  const csr = await createSigningRequest({ hosts: ['old-printer.local'], privateKey });
  const signed = await legacy.sign(csr.csrPem);
  const store = await IdentityStore.open({ dir: storePaths(home).identities, passphrase: PASS });
  await store.add(Identity.fromParts({ certificates: signed.chain, privateKey }), { label: 'old-printer' });
  const report = json<Report>(exits(await lt(['store', 'check', '--json']), 1));
  const printer = report.identities.find((i) => i.label === 'old-printer')!;
  assert.match(printer.weakKey ?? '', /1024-bit RSA/);
  assert.ok(printer.actions.some((a) => a.startsWith('weak key: ')), printer.actions.join('\n'));
  assert.deepEqual(report.identities.find((i) => i.label === 'desk')!.actions, []);
  await store.delete('old-printer');
});
