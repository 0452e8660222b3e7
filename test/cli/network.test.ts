/** serve, connect, inspect host:port, enroll and demo through the built binary, on loopback only. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Certificate } from '../../src/index.js';
import { cli, json, startCli, tempDir, type Background, type CliResult } from './cli-helpers.js';

const PASS = 'front desk passphrase';
let dir: string;
let home: string;
let strangerHome: string;
let cleanup: () => Promise<void>;
let server: Background | undefined;
let port: number;

function lt(args: string[], homeDir = home, input?: string): Promise<CliResult> {
  return cli([...args, '--home', homeDir], { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS }, ...(input !== undefined ? { input } : {}) });
}

function ok(r: CliResult): CliResult {
  assert.equal(r.code, 0, `expected exit 0; got ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
}

before(async () => {
  ({ dir, cleanup } = await tempDir());
  home = join(dir, 'home');
  strangerHome = join(dir, 'stranger');
  ok(await lt(['ca', 'create', '--name', 'Front Desk CA', '--constrain', 'local']));
  // a stored identity that lists a name only: dialing 127.0.0.1 needs the basic X.509 policy
  ok(await lt(['issue', 'listener-name.local', '--store', '--label', 'desk']));
  server = await startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--label', 'desk', '--home', home], /listening on 127\.0\.0\.1:(\d+)/, { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS } });
  port = Number(server.match[1]);
});

after(async () => {
  if (server) {
    const code = await server.stop();
    assert.equal(code, 0, `serve exits 0 on SIGINT: ${JSON.stringify(server.output())}`);
    assert.match(server.output().stdout, /stopped/);
  }
  await cleanup();
});

describe('serve and connect', () => {
  test('connect by name (--resolve) sends an order and prints the echo; the verdict is shown', async () => {
    const r = ok(await lt(['connect', 'listener-name.local', String(port), '--resolve', 'listener-name.local=127.0.0.1', '--send', 'order 12: soup']));
    assert.match(r.stdout, /connected to listener-name\.local/);
    assert.match(r.stdout, /protocol\s+TLSv1\.[23]/);
    assert.match(r.stdout, /✓ trusted under the SSL policy for listener-name\.local/);
    assert.ok(r.stdout.endsWith('order 12: soup'), r.stdout);
  });

  test('connect --json parses and carries the TLS facts, the chain, the verdict and the reply; standard input is sent', async () => {
    const r = ok(await lt(['connect', 'listener-name.local', String(port), '--resolve', 'listener-name.local=127.0.0.1', '--json'], home, 'from stdin\n'));
    const out = json<{ connected: boolean; tls: { protocol: string }; chain: { subject: string }[]; trust: { trusted: boolean; policy: string }; received: string }>(r);
    assert.equal(out.connected, true);
    assert.match(out.tls.protocol, /^TLSv1\.[23]$/);
    assert.equal(out.chain[0]!.subject, 'CN=listener-name.local');
    assert.deepEqual([out.trust.trusted, out.trust.policy], [true, 'ssl']);
    assert.equal(out.received, 'from stdin\n');
  });

  test('by IP, an address missing from the certificate is refused with the fix; --basic accepts the chain', async () => {
    const refused = await lt(['connect', '127.0.0.1', String(port), '--send', 'x']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^CERTIFICATE_VERIFY_FAILED: /m);
    assert.match(refused.stdout, /HOSTNAME_MISMATCH/);
    assert.match(refused.stdout, /fix: reissue with the address/);
    const basic = ok(await lt(['connect', '127.0.0.1', String(port), '--basic', '--send', 'table 7']));
    assert.match(basic.stdout, /✓ trusted under the basic X\.509 policy/);
    assert.ok(basic.stdout.endsWith('table 7'));
  });

  test('without the root installed: NOT_TRUSTED, explained; --ca with the exported root fixes it', async () => {
    const r = await lt(['connect', 'listener-name.local', String(port), '--resolve', 'listener-name.local=127.0.0.1', '--close'], strangerHome);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^CERTIFICATE_VERIFY_FAILED: .*NOT_TRUSTED/m);
    assert.match(r.stdout, /fix: install the issuing CA's root/);
    ok(await lt(['ca', 'export', '--out', 'root.pem']));
    ok(await lt(['connect', 'listener-name.local', String(port), '--resolve', 'listener-name.local=127.0.0.1', '--close', '--ca', 'root.pem'], strangerHome));
    const json1 = await lt(['connect', 'listener-name.local', String(port), '--resolve', 'listener-name.local=127.0.0.1', '--close', '--json'], strangerHome);
    assert.equal(json1.code, 1);
    const out = json<{ connected: boolean; trust: { error: { code: string } } }>(json1);
    assert.deepEqual([out.connected, out.trust.error.code], [false, 'NOT_TRUSTED']);
  });

  test('connect to a closed port: CONNECTION_REFUSED, exit 1', async () => {
    const probe = await startCli(['serve', '--host', '127.0.0.1', '--port', '0', '--home', home], /listening on 127\.0\.0\.1:(\d+)/, { cwd: dir, env: { LOCALTLS_PASSPHRASE: PASS } });
    const closed = Number(probe.match[1]);
    assert.equal(await probe.stop(), 0);
    const r = await lt(['connect', '127.0.0.1', String(closed), '--close']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^CONNECTION_REFUSED: /m);
  });

  test('serve on a port in use: ADDRESS_IN_USE, exit 1', async () => {
    const r = await lt(['serve', '--host', '127.0.0.1', '--port', String(port)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^ADDRESS_IN_USE: /m);
  });
});

describe('inspect host:port', () => {
  test('evaluates under both policies, explains the name failure, and --json parses', async () => {
    const byName = json<{ trusted: boolean; ssl: { trusted: boolean }; basicX509: { trusted: boolean }; protocol: string }>(
      ok(await lt(['inspect', `listener-name.local:${port}`, '--resolve', 'listener-name.local=127.0.0.1', '--json'])));
    assert.deepEqual([byName.trusted, byName.ssl.trusted, byName.basicX509.trusted], [true, true, true]);
    const byIp = await lt(['inspect', `127.0.0.1:${port}`]);
    assert.equal(byIp.code, 1);
    assert.match(byIp.stdout, /✗ not trusted under the SSL policy for 127\.0\.0\.1/);
    assert.match(byIp.stdout, /HOSTNAME_MISMATCH/);
    assert.match(byIp.stdout, /✓ trusted under the basic X\.509 policy/);
    assert.match(byIp.stdout, /only the name check fails/);
    const stranger = json<{ trusted: boolean; basicX509: { error: { code: string } } }>(await lt(['inspect', `127.0.0.1:${port}`, '--json'], strangerHome));
    assert.equal(stranger.basicX509.error.code, 'NOT_TRUSTED');
  });
});

describe('enroll', () => {
  test('prints the URL once it listens; serves the root; stops on SIGINT', async () => {
    const enroll = await startCli(['enroll', '--host', '127.0.0.1', '--port', '0', '--no-qr', '--home', home], /enrollment page: (http:\/\/127\.0\.0\.1:\d+\/)/, { cwd: dir });
    try {
      const url = enroll.match[1]!;
      const der = new Uint8Array(await (await fetch(new URL('root.cer', url))).arrayBuffer());
      const shown = json<{ pem: string }>(ok(await lt(['ca', 'show', '--json'])));
      assert.equal(Certificate.from(der).fingerprintSha256, Certificate.from(shown.pem).fingerprintSha256);
    } finally {
      assert.equal(await enroll.stop(), 0);
    }
  });
});

describe('demo', () => {
  test('localtls demo exits 0 and reports every step (loopback, temporary home removed)', async () => {
    const r = ok(await cli(['demo', '--port', '0', '--json'], { cwd: dir }));
    const out = json<{ ok: boolean; receipts: { receipt: string }[]; refusal: { code: string; trustCode: string }; narration: string[] }>(r);
    assert.equal(out.ok, true);
    assert.ok(out.receipts.length >= 2);
    assert.deepEqual([out.refusal.code, out.refusal.trustCode], ['CERTIFICATE_VERIFY_FAILED', 'NOT_TRUSTED']);
    const removed = out.narration.find((l) => l.includes('removed '))!;
    const tempHome = removed.trim().replace(/^removed /, '');
    await assert.rejects(import('node:fs/promises').then((fs) => fs.stat(tempHome)), { code: 'ENOENT' });
  });

  test("npm run demo's implementation (dist/examples/demo.js) exits 0", async () => {
    const { spawn } = await import('node:child_process');
    const script = new URL('../../examples/demo.js', import.meta.url);
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [fileURLToPath(script)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => { output += d; });
      child.stderr.on('data', (d) => { output += d; });
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        if (c !== 0) console.error(output);
        resolve(c);
      });
    });
    assert.equal(code, 0);
  });
});
