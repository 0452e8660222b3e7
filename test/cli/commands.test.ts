/** The built `localtls` binary: each command's happy path, --json output, and usage errors. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parsePlist } from 'plist';
import { Certificate } from '../../src/index.js';
import { cli, json, tempDir, type CliResult } from './cli-helpers.js';

const PASS = 'correct horse battery staple';
const P12PASS = 'p12-secret';

let dir: string;
let home: string;
let cleanup: () => Promise<void>;

/** localtls with the shared home and passphrases, run in the temp dir. */
function lt(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliResult> {
  return cli([...args, '--home', home], { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS, LOCALTLS_P12_PASSPHRASE: P12PASS, ...env }, ...(input !== undefined ? { input } : {}) });
}

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `expected exit 0; got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

function failsWith(r: CliResult, code: string, exit = 1): void {
  assert.equal(r.code, exit, `expected exit ${exit}; got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  assert.match(r.stderr, new RegExp(`^${code}: `, 'm'), `expected ${code}: on stderr; got:\n${r.stderr}`);
}

before(async () => {
  ({ dir, cleanup } = await tempDir());
  home = join(dir, 'home');
  const created = json<{ trusted: boolean; certificate: { subject: string; isCA: boolean } }>(ok(await lt(['ca', 'create', '--name', 'Front Desk CA', '--constrain', 'local', '--json'])));
  assert.equal(created.certificate.subject, 'CN=Front Desk CA');
  assert.equal(created.certificate.isCA, true);
  assert.equal(created.trusted, true);
});

after(async () => {
  await cleanup();
});

const ALL_COMMANDS = [
  'ca create', 'ca show', 'ca export', 'issue', 'request', 'sign', 'p12 inspect', 'p12 import', 'p12 export',
  'store list', 'store add', 'store get', 'store delete', 'store check', 'trust add', 'trust list', 'trust remove', 'trust bundle',
  'trust install-system', 'trust uninstall-system', 'inspect', 'lint', 'serve', 'connect', 'enroll', 'demo',
];

describe('help and dispatch', () => {
  test('--help lists every command; each command has --help (exit 0)', async () => {
    const top = ok(await cli(['--help']));
    for (const name of ALL_COMMANDS) assert.ok(top.stdout.includes(`  ${name}`), `--help lists ${name}`);
    const results = await Promise.all(ALL_COMMANDS.map((name) => cli([...name.split(' '), '--help'])));
    results.forEach((r, i) => {
      ok(r);
      assert.ok(r.stdout.startsWith(`localtls ${ALL_COMMANDS[i]}`), r.stdout);
      assert.match(r.stdout, /Examples:/);
    });
  });

  test('no arguments, unknown commands and options, and a bare group are usage errors (exit 2)', async () => {
    assert.equal((await cli([])).code, 2);
    failsWith(await cli(['frobnicate']), 'USAGE', 2);
    failsWith(await cli(['ca']), 'USAGE', 2);
    failsWith(await cli(['ca', 'frobnicate']), 'USAGE', 2);
    failsWith(await cli(['ca', 'show', '--frobnicate']), 'USAGE', 2);
    ok(await cli(['help', 'issue']));
    assert.match(ok(await cli(['--version'])).stdout, /^\d+\.\d+\.\d+/);
  });

  test('every command has a usage error with exit 2', async () => {
    const cases: string[][] = [
      ['ca', 'create', '--constrain', 'world'], ['ca', 'show', 'extra'], ['ca', 'export', '--format', 'jpeg'],
      ['issue'], ['issue', 'a.local', '--days', 'soon'], ['request'], ['sign'],
      ['p12', 'inspect'], ['p12', 'import'], ['p12', 'export', '--label', 'x'],
      ['store', 'list', 'extra'], ['store', 'add', '--cert', 'x.pem'], ['store', 'get'], ['store', 'delete'],
      ['trust', 'add'], ['trust', 'list', 'extra'], ['trust', 'remove'], ['trust', 'bundle', 'extra'],
      ['trust', 'install-system', '--platform', 'beos'], ['trust', 'uninstall-system', 'a', 'b'],
      ['inspect'], ['inspect', 'neither-a-file-nor-host-port'], ['lint'], ['lint', 'x.pem', '--platform', 'windows'],
      ['serve', '--port', '70000'], ['serve', '--host', 'not an address'], ['connect', '127.0.0.1'], ['connect', '127.0.0.1', 'http'],
      ['enroll'], ['demo', '--port', 'x'],
    ];
    const results = await Promise.all(cases.map((args) => lt(args)));
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 2, `localtls ${cases[i]!.join(' ')}: exit ${r.code}\n${r.stderr}`);
      assert.match(r.stderr, /^USAGE: /m, `localtls ${cases[i]!.join(' ')}: ${r.stderr}`);
    }
  });
});

describe('ca', () => {
  test('ca show and ca export (pem, der, mobileconfig); a second ca create is refused', async () => {
    const shown = json<{ certificate: { subject: string; fingerprintSha256: string }; pem: string }>(ok(await lt(['ca', 'show', '--json'])));
    const root = Certificate.from(shown.pem);
    assert.equal(shown.certificate.fingerprintSha256, root.fingerprintSha256);
    assert.match(ok(await lt(['ca', 'show'])).stdout, /Read aloud to compare on a device: [0-9A-F]{8} /);

    assert.equal(ok(await lt(['ca', 'export'])).stdout, root.toPEM());
    ok(await lt(['ca', 'export', '--format', 'der', '--out', 'root.cer']));
    assert.deepEqual(new Uint8Array(await readFile(join(dir, 'root.cer'))), root.toDER());
    ok(await lt(['ca', 'export', '--format', 'mobileconfig', '--out', 'root.mobileconfig']));
    const profile = parsePlist(await readFile(join(dir, 'root.mobileconfig'), 'utf8')) as { PayloadContent: { PayloadType: string; PayloadContent: Buffer }[] };
    assert.equal(profile.PayloadContent[0]!.PayloadType, 'com.apple.security.root');
    assert.deepEqual(new Uint8Array(profile.PayloadContent[0]!.PayloadContent), root.toDER());

    failsWith(await lt(['ca', 'create']), 'DUPLICATE_ITEM');
  });

  test('a home without a CA: ca show explains how to create one', async () => {
    const r = await cli(['ca', 'show', '--home', join(dir, 'empty-home')]);
    failsWith(r, 'IO_ERROR');
    assert.match(r.stderr, /hint: create one with `localtls ca create`/);
  });
});

describe('passphrases', () => {
  test('a wrong passphrase exits 1 with BAD_PASSWORD (CA key, identity store, PKCS#12)', async () => {
    failsWith(await lt(['issue', 'wrong.local'], { LOCALTLS_PASSPHRASE: 'wrong' }), 'BAD_PASSWORD');
    ok(await lt(['issue', 'p12.local', '--p12', 'p12.p12']));
    failsWith(await lt(['p12', 'import', 'p12.p12', '--label', 'x'], { LOCALTLS_P12_PASSPHRASE: 'wrong' }), 'BAD_PASSWORD');
    ok(await lt(['store', 'list']));
    failsWith(await lt(['store', 'list'], { LOCALTLS_PASSPHRASE: 'wrong' }), 'BAD_PASSWORD');
  });

  test('--password-file is read; without any source and no terminal: PASSWORD_REQUIRED', async () => {
    await writeFile(join(dir, 'pass.txt'), `${PASS}\n`, { mode: 0o600 });
    ok(await lt(['issue', 'file.local', '--password-file', join(dir, 'pass.txt')], { LOCALTLS_PASSPHRASE: undefined }));
    await writeFile(join(dir, 'wrong.txt'), 'nope\n', { mode: 0o600 });
    failsWith(await lt(['issue', 'file.local', '--password-file', join(dir, 'wrong.txt')]), 'BAD_PASSWORD');
    const r = await lt(['issue', 'nopass.local'], { LOCALTLS_PASSPHRASE: undefined });
    failsWith(r, 'PASSWORD_REQUIRED');
    assert.match(r.stderr, /hint: pass --password-file FILE or set LOCALTLS_PASSPHRASE/);
  });
});

describe('issue, lint, request, sign, inspect', () => {
  test('issue writes the chain and a 0600 key; lint and inspect read them', async () => {
    const issued = json<{ certificate: { subjectAltNames: { type: string; value: string }[] }; files: { kind: string; file: string }[] }>(
      ok(await lt(['issue', 'listener-name.local', '127.0.0.1', '--json'])));
    assert.deepEqual(issued.certificate.subjectAltNames.map((s) => s.value), ['listener-name.local', '127.0.0.1']);
    assert.deepEqual(issued.files.map((f) => f.file), ['listener-name.local.pem', 'listener-name.local-key.pem']);
    assert.equal((await stat(join(dir, 'listener-name.local-key.pem'))).mode & 0o777, 0o600);

    const lint = json<{ ok: boolean; certificates: unknown[] }>(ok(await lt(['lint', 'listener-name.local.pem', '--host', '127.0.0.1', '--json'])));
    assert.equal(lint.ok, true);
    assert.equal(lint.certificates.length, 2);
    const refused = await lt(['lint', 'listener-name.local.pem', '--host', 'other.local', '--json']);
    assert.equal(refused.code, 1);
    assert.equal(json<{ ok: boolean }>(refused).ok, false);
    assert.match((await lt(['lint', 'listener-name.local.pem', '--platform', 'chrome'])).stdout, /clean for chrome/);

    const good = json<{ trusted: boolean; ssl: { trusted: boolean } }>(ok(await lt(['inspect', 'listener-name.local.pem', '--host', '127.0.0.1', '--json'])));
    assert.equal(good.trusted, true);
    assert.equal(good.ssl.trusted, true);
    const bad = await lt(['inspect', 'listener-name.local.pem', '--host', 'other.local']);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /HOSTNAME_MISMATCH/);
    assert.match(bad.stdout, /fix: /);
    assert.match(bad.stdout, /✓ trusted under the basic X\.509 policy/);
    const key = json<{ type: string }>(ok(await lt(['inspect', 'listener-name.local-key.pem', '--json'])));
    assert.equal(key.type, 'private-key');
  });

  test('issue for a name outside the CA constraints: NAME_NOT_PERMITTED', async () => {
    failsWith(await lt(['issue', 'example.com']), 'NAME_NOT_PERMITTED');
  });

  test('request makes a key and CSR; sign issues for it; inspect reads both', async () => {
    const req = json<{ csrFile: string; keyFile: string }>(ok(await lt(['request', 'tablet-3.local', '--json'])));
    assert.equal(req.csrFile, 'tablet-3.local.csr');
    assert.equal((await stat(join(dir, req.keyFile))).mode & 0o777, 0o600);
    const csr = json<{ type: string; requestedHosts: string[] }>(ok(await lt(['inspect', req.csrFile, '--json'])));
    assert.deepEqual([csr.type, csr.requestedHosts], ['csr', ['tablet-3.local']]);
    const signed = json<{ file: string; certificate: { extendedKeyUsage: string[] } }>(ok(await lt(['sign', req.csrFile, '--client', '--json'])));
    assert.equal(signed.file, 'tablet-3.local.pem');
    assert.deepEqual(signed.certificate.extendedKeyUsage, ['clientAuth']);
    failsWith(await lt(['sign', 'missing.csr']), 'IO_ERROR');
    ok(await lt(['store', 'add', '--label', 'tablet-3', '--cert', signed.file, '--key', req.keyFile]));
  });
});

describe('p12 and store', () => {
  test('issue --p12 --store; p12 inspect/import/export; store list/get/add/delete', async () => {
    const issued = json<{ label: string; files: { kind: string }[] }>(ok(await lt(['issue', 'desk.local', '127.0.0.1', '--p12', 'desk.p12', '--store', '--label', 'desk', '--json'])));
    assert.equal(issued.label, 'desk');
    assert.deepEqual(issued.files.map((f) => f.kind), ['pkcs12']);
    assert.equal((await stat(join(dir, 'desk.p12'))).mode & 0o777, 0o600);

    const info = json<{ profile: string; appleBefore18: boolean; identity: { certificate: { subject: string } } | null }>(
      ok(await lt(['p12', 'inspect', 'desk.p12', '--json'], { LOCALTLS_P12_PASSPHRASE: undefined })));
    assert.equal(info.profile, 'compatible');
    assert.equal(info.appleBefore18, true);
    assert.equal(info.identity, null, 'without a password the identity is not opened');
    const opened = json<{ identity: { certificate: { subject: string } } }>(ok(await lt(['p12', 'inspect', 'desk.p12', '--json'])));
    assert.equal(opened.identity.certificate.subject, 'CN=desk.local');

    ok(await lt(['p12', 'import', 'desk.p12', '--label', 'desk-copy']));
    failsWith(await lt(['p12', 'import', 'desk.p12', '--label', 'desk-copy']), 'DUPLICATE_ITEM');
    ok(await lt(['p12', 'import', 'desk.p12', '--label', 'desk-copy', '--replace']));

    ok(await lt(['p12', 'export', '--label', 'desk', '--out', 'modern.p12', '--profile', 'modern']));
    assert.equal(json<{ profile: string }>(ok(await lt(['p12', 'inspect', 'modern.p12', '--json']))).profile, 'modern');
    ok(await lt(['issue', 'pem.local']));
    ok(await lt(['p12', 'export', '--cert', 'pem.local.pem', '--key', 'pem.local-key.pem', '--out', 'pem.p12']));
    ok(await lt(['store', 'add', '--label', 'from-p12', '--p12', 'pem.p12']));

    const list = json<{ items: { label: string; hosts: string[] }[]; problems: unknown[] }>(ok(await lt(['store', 'list', '--json'])));
    const labels = list.items.map((i) => i.label);
    for (const l of ['desk', 'desk-copy', 'from-p12']) assert.ok(labels.includes(l), `${l} in ${labels.join(', ')}`);
    assert.deepEqual(list.problems, []);

    const got = json<{ label: string; certificate: { subject: string }; files: string[] }>(ok(await lt(['store', 'get', 'desk', '--cert-file', 'out.pem', '--key-file', 'out-key.pem', '--json'])));
    assert.equal(got.label, 'desk');
    assert.deepEqual(got.files, ['out.pem', 'out-key.pem']);
    assert.equal((await stat(join(dir, 'out-key.pem'))).mode & 0o777, 0o600);

    ok(await lt(['store', 'delete', 'desk-copy']));
    failsWith(await lt(['store', 'get', 'desk-copy']), 'ITEM_NOT_FOUND');
    failsWith(await lt(['store', 'delete', 'desk-copy']), 'ITEM_NOT_FOUND');
  });
});

describe('trust', () => {
  test('list, add, remove, bundle; a leaf is refused', async () => {
    const other = join(dir, 'other-home');
    ok(await cli(['ca', 'create', '--name', 'Other CA', '--home', other, '--no-trust'], { env: { LOCALTLS_PASSPHRASE: 'x' } }));
    ok(await cli(['ca', 'export', '--format', 'der', '--out', join(dir, 'other.cer'), '--home', other]));

    const added = json<{ added: { fingerprintSha256: string; subject: string }[] }>(ok(await lt(['trust', 'add', 'other.cer', '--json'])));
    assert.equal(added.added[0]!.subject, 'CN=Other CA');
    const listed = json<{ roots: { subject: string }[] }>(ok(await lt(['trust', 'list', '--json'])));
    assert.deepEqual(listed.roots.map((r) => r.subject).sort(), ['CN=Front Desk CA', 'CN=Other CA']);
    const bundle = ok(await lt(['trust', 'bundle'])).stdout;
    assert.equal(Certificate.fromPEMBundle(bundle).length, 2);
    ok(await lt(['trust', 'bundle', '--out', 'roots.pem']));
    assert.equal(await readFile(join(dir, 'roots.pem'), 'utf8'), bundle);
    ok(await lt(['trust', 'remove', added.added[0]!.fingerprintSha256]));
    assert.equal(json<{ roots: unknown[] }>(ok(await lt(['trust', 'list', '--json']))).roots.length, 1);
    failsWith(await lt(['trust', 'remove', added.added[0]!.fingerprintSha256]), 'ITEM_NOT_FOUND');

    ok(await lt(['issue', 'leaf.local']));
    failsWith(await lt(['trust', 'add', 'leaf.local.pem']), 'NOT_A_CA');
  });

  test('install-system --root-dir puts the root where update-ca-certificates reads it; uninstall-system removes it', async () => {
    const root = join(dir, 'sysroot');
    const plan = json<{ platform: string; steps: { kind: string; path?: string; done: boolean }[] }>(
      ok(await lt(['trust', 'install-system', '--root-dir', root, '--platform', 'debian', '--no-nss', '--json'])));
    const write = plan.steps.find((s) => s.kind === 'write-file')!;
    assert.ok(write.done);
    assert.ok(write.path!.startsWith(join(root, 'usr/local/share/ca-certificates/')));
    assert.ok(write.path!.endsWith('.crt'));
    const shown = json<{ pem: string }>(ok(await lt(['ca', 'show', '--json'])));
    assert.equal(Certificate.from(await readFile(write.path!, 'utf8')).fingerprintSha256, Certificate.from(shown.pem).fingerprintSha256);
    const dry = ok(await lt(['trust', 'uninstall-system', '--root-dir', root, '--platform', 'debian', '--no-nss', '--dry-run']));
    assert.match(dry.stdout, /dry run/);
    await stat(write.path!);
    ok(await lt(['trust', 'uninstall-system', '--root-dir', root, '--platform', 'debian', '--no-nss']));
    await assert.rejects(stat(write.path!), { code: 'ENOENT' });
  });
});
