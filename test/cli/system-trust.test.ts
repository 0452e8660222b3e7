/**
 * System trust install/uninstall, always under a temporary --root-dir (which also stops every
 * command from running): the real system store is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CertificateAuthority, Certificate } from '../../src/index.js';
import { installSystemTrust, uninstallSystemTrust, formatSystemTrustPlan } from '../../src/cli/system-trust/system-trust.js';
import { detectSystemTrustPlatform } from '../../src/cli/system-trust/detect.js';
import { trustFileStem } from '../../src/cli/system-trust/steps.js';
import { rejectsWithCode } from '../helpers/assert-error.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
const root = ca.certificate;
const stem = trustFileStem(root);

async function listAll(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)).sort();
}

test('file stem: localtls- and the first 16 hex digits of the SHA-256 fingerprint', () => {
  assert.equal(stem, `localtls-${root.fingerprintSha256.replace(/:/g, '').slice(0, 16).toLowerCase()}`);
});

test('debian: install writes the PEM where update-ca-certificates reads it; uninstall removes it; no command runs', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const file = join(dir, 'usr/local/share/ca-certificates', `${stem}.crt`);
    const plan = await installSystemTrust(root, { rootDir: dir, platform: 'debian', nss: false });
    assert.equal(plan.platform, 'debian');
    assert.equal(plan.action, 'install');
    assert.deepEqual(plan.steps.map((s) => [s.kind, s.done]), [['write-file', true], ['run', false]]);
    assert.deepEqual(plan.steps[1]!.kind === 'run' && plan.steps[1]!.command, ['update-ca-certificates']);
    assert.match(plan.steps[1]!.note ?? '', /not run/);
    const pem = await readFile(file, 'utf8');
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n/);
    assert.equal(Certificate.from(pem).fingerprintSha256, root.fingerprintSha256);
    assert.deepEqual(await listAll(dir), [file]);
    assert.match(formatSystemTrustPlan(plan), /\[x\] write .*\.crt \(PEM\)/);

    const removed = await uninstallSystemTrust(root, { rootDir: dir, platform: 'debian', nss: false });
    assert.deepEqual(removed.steps.map((s) => [s.kind, s.done]), [['remove-file', true], ['run', false]]);
    assert.equal(existsSync(file), false);
    assert.deepEqual(await listAll(dir), []);

    // Removing again is not an error.
    const again = await uninstallSystemTrust(root, { rootDir: dir, platform: 'debian', nss: false });
    assert.equal(again.steps[0]!.done, false);
    assert.equal(again.steps[0]!.note, 'not present');
  } finally {
    await cleanup();
  }
});

test('detection inside rootDir: a Debian-style tree is debian, a Fedora-style tree is fedora', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    await mkdir(join(dir, 'deb/usr/local/share/ca-certificates'), { recursive: true });
    await mkdir(join(dir, 'fed/etc/pki/ca-trust/source/anchors'), { recursive: true });
    assert.equal(detectSystemTrustPlatform({ rootDir: join(dir, 'deb') }), process.platform === 'linux' ? 'debian' : detectSystemTrustPlatform());
    if (process.platform === 'linux') assert.equal(detectSystemTrustPlatform({ rootDir: join(dir, 'fed') }), 'fedora');

    if (process.platform === 'linux') {
      const plan = await installSystemTrust(root, { rootDir: join(dir, 'deb'), nss: false });
      assert.equal(plan.platform, 'debian');
      assert.ok(existsSync(join(dir, 'deb/usr/local/share/ca-certificates', `${stem}.crt`)));
    }
  } finally {
    await cleanup();
  }
});

test('fedora: the anchor goes to /etc/pki/ca-trust/source/anchors, then update-ca-trust extract', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    const plan = await installSystemTrust(root.toPEM(), { rootDir: dir, platform: 'fedora', nss: false });
    const file = join(dir, 'etc/pki/ca-trust/source/anchors', `${stem}.pem`);
    assert.equal(Certificate.from(await readFile(file, 'utf8')).fingerprintSha256, root.fingerprintSha256);
    assert.deepEqual(plan.steps[1]!.kind === 'run' && plan.steps[1]!.command, ['update-ca-trust', 'extract']);
    await uninstallSystemTrust(root, { rootDir: dir, platform: 'fedora', nss: false });
    assert.equal(existsSync(file), false);
  } finally {
    await cleanup();
  }
});

test('dry run: lists the exact steps and changes nothing', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    for (const platform of ['debian', 'fedora', 'macos', 'windows'] as const) {
      const plan = await installSystemTrust(root, { rootDir: dir, platform, dryRun: true, nss: false });
      assert.equal(plan.dryRun, true);
      assert.ok(plan.steps.length >= 2, platform);
      assert.ok(plan.steps.every((s) => !s.done && s.note === 'dry run'), platform);
      const text = formatSystemTrustPlan(plan);
      assert.match(text, /dry run: nothing was changed/);
      assert.ok(text.includes(dir), 'paths carry the root dir');
      const un = await uninstallSystemTrust(root, { rootDir: dir, platform, dryRun: true, nss: false });
      assert.ok(un.steps.every((s) => !s.done));
    }
    assert.deepEqual(await listAll(dir), []);
    // The macOS plan is the documented `security` command.
    const mac = await installSystemTrust(root, { rootDir: dir, platform: 'macos', dryRun: true, nss: false });
    const cmd = mac.steps.find((s) => s.kind === 'run');
    assert.deepEqual(cmd?.kind === 'run' && cmd.command.slice(0, 7), ['security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain']);
    const win = await installSystemTrust(root, { rootDir: dir, platform: 'windows', dryRun: true });
    const wcmd = win.steps.find((s) => s.kind === 'run');
    assert.deepEqual(wcmd?.kind === 'run' && wcmd.command.slice(0, 4), ['certutil', '-addstore', '-f', 'Root']);
  } finally {
    await cleanup();
  }
});

test('NSS databases found under the home are planned when NSS certutil is on PATH', async () => {
  const { dir, cleanup } = await makeTempDir();
  const savedPath = process.env.PATH;
  try {
    // A fake `certutil` on PATH: only its presence is checked, it never runs (rootDir is given).
    await mkdir(join(dir, 'bin'));
    await writeFile(join(dir, 'bin', 'certutil'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    process.env.PATH = join(dir, 'bin');
    const root2 = join(dir, 'root');
    await mkdir(join(root2, 'home/ann/.pki/nssdb'), { recursive: true });
    await writeFile(join(root2, 'home/ann/.pki/nssdb/cert9.db'), '');
    const plan = await installSystemTrust(root, { rootDir: root2, platform: 'debian', home: '/home/ann' });
    const nss = plan.steps.filter((s) => s.kind === 'run' && s.command[0] === 'certutil');
    if (process.platform === 'win32') return;
    assert.equal(nss.length, 1);
    assert.ok(nss[0]!.kind === 'run' && nss[0]!.command.includes(`sql:${join(root2, 'home/ann/.pki/nssdb')}`));
    assert.equal(nss[0]!.done, false);
    const un = await uninstallSystemTrust(root, { rootDir: root2, platform: 'debian', home: '/home/ann' });
    assert.ok(un.steps.some((s) => s.kind === 'run' && s.command[0] === 'certutil' && s.command[1] === '-D'));
  } finally {
    process.env.PATH = savedPath;
    await cleanup();
  }
});

test('misuse: a leaf certificate is NOT_A_CA; an unknown platform is INVALID_OPTION', async () => {
  const leaf = await ca.issue({ hosts: ['listener-name.local'] });
  await rejectsWithCode(() => installSystemTrust(leaf.certificate, { rootDir: '/nonexistent', dryRun: true }), 'NOT_A_CA');
  await rejectsWithCode(() => installSystemTrust(root, { platform: 'plan9' as never, dryRun: true }), 'INVALID_OPTION');
  await rejectsWithCode(() => uninstallSystemTrust(root, { rootDir: '', dryRun: true }), 'INVALID_OPTION');
});

test('a file that cannot be written is IO_ERROR with a sudo hint (run without permission-overriding capabilities)', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    await mkdir(join(dir, 'usr/local/share'), { recursive: true, mode: 0o555 });
    // Root may write anywhere, so when we are root the attempt runs in a child process without the
    // capabilities that override file permissions (setpriv, from util-linux).
    const moduleUrl = new URL('../../src/cli/system-trust/index.js', import.meta.url).href;
    const script = `
      const { installSystemTrust } = await import(${JSON.stringify(moduleUrl)});
      const { Certificate } = await import(${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)});
      try { await installSystemTrust(Certificate.from(process.env.ROOT_PEM), { rootDir: process.env.ROOT_DIR, platform: 'debian', nss: false }); console.log(JSON.stringify({ ok: true })); }
      catch (e) { console.log(JSON.stringify({ code: e.code, hint: e.hint })); }`;
    const asRoot = process.getuid?.() === 0;
    const output = await new Promise<string>((resolve, reject) => {
      const node = [process.execPath, '--input-type=module', '-e', script];
      const [file, ...args] = asRoot ? ['setpriv', '--bounding-set=-dac_override,-dac_read_search', '--', ...node] : node;
      execFile(file!, args, {
        env: { ...process.env, ROOT_PEM: root.toPEM(), ROOT_DIR: dir }, timeout: 30_000,
      }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    const result = JSON.parse(output.trim().split('\n').pop()!) as { code?: string; hint?: string };
    assert.equal(result.code, 'IO_ERROR');
    assert.match(result.hint ?? '', /sudo/);
  } finally {
    await cleanup();
  }
});

test('a path that cannot be created is IO_ERROR and leaves the plan in details', async () => {
  const { dir, cleanup } = await makeTempDir();
  try {
    await mkdir(join(dir, 'usr/local'), { recursive: true });
    await writeFile(join(dir, 'usr/local/share'), 'a file where a directory should be');
    const error = await rejectsWithCode(() => installSystemTrust(root, { rootDir: dir, platform: 'debian', nss: false }), 'IO_ERROR');
    const plan = error.details?.plan as { steps: { done: boolean }[] } | undefined;
    assert.ok(plan && plan.steps.every((s) => !s.done));
  } finally {
    await cleanup();
  }
});
