/**
 * testssl.sh (the Debian package) against a localtls listener, both inside a network namespace this
 * test creates and removes: the namespace has only its own loopback, so the scanner cannot reach
 * anything but the listener. Slow (about a minute): run with LOCALTLS_SLOW=1 (`npm run test:slow`).
 *
 * Asserts: only TLS 1.2 and 1.3 offered; no client-initiated renegotiation; TLS 1.2 suites are
 * AEAD (no CBC) without SHA-1; no finding of severity HIGH or CRITICAL, except the one a local CA
 * has by design (no CRL or OCSP URI: nothing on a LAN could serve them; see docs/security.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const LISTENER = fileURLToPath(new URL('./scan-listener.js', import.meta.url));
const SCAN_TIMEOUT_S = 240;

interface Finding { id: string; severity: string; finding: string }

function ip(args: string[]): string {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
    child.on('error', (e) => { clearTimeout(timer); resolve({ code: -1, out: String(e) }); });
  });
}

test('testssl.sh in a loopback-only namespace: TLS 1.2/1.3 only, no client renegotiation, no CBC/SHA-1 for TLS 1.2, no HIGH/CRITICAL finding', { timeout: 360_000 }, async (t) => {
  assert.equal(process.getuid?.(), 0, 'creating a network namespace needs root (CI runs the slow tests as root)');
  assert.equal(spawnSync('testssl', ['--version'], { encoding: 'utf8' }).error, undefined, 'testssl.sh is missing: apt-get install testssl.sh');
  const ns = `lt-scan-${process.pid}-${Date.now() % 1_000_000}`;
  const dir = mkdtempSync(join(tmpdir(), 'localtls-scan-'));
  let listener: ChildProcess | undefined;
  ip(['netns', 'add', ns]);
  try {
    ip(['-n', ns, 'link', 'set', 'lo', 'up']);
    const links = ip(['-n', ns, '-o', 'link', 'show']).trim().split('\n');
    assert.deepEqual(links.map((l) => l.split(':')[1]!.trim()), ['lo'], 'the namespace has nothing but loopback');

    const caFile = join(dir, 'ca.pem');
    listener = spawn('ip', ['netns', 'exec', ns, process.execPath, LISTENER, caFile], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    listener.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
    listener.stdin!.on('error', () => {});
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the listener did not start: ${stderr}`)), 30_000);
      createInterface({ input: listener!.stdout! }).once('line', (line) => { clearTimeout(timer); resolve((JSON.parse(line) as { port: number }).port); });
      listener!.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the listener exited (${code}): ${stderr}`)); });
    });

    const jsonFile = join(dir, 'testssl.json');
    const start = Date.now();
    const scan = await run('ip', ['netns', 'exec', ns, 'timeout', String(SCAN_TIMEOUT_S), 'testssl',
      '--quiet', '--color', '0', '--warnings', 'off', '--nodns', 'none', '--add-ca', caFile, '--jsonfile', jsonFile,
      '-p', '-s', '-f', '-E', '-S', '-R', '-U', `127.0.0.1:${port}`], (SCAN_TIMEOUT_S + 30) * 1000);
    t.diagnostic(`testssl ran ${((Date.now() - start) / 1000).toFixed(0)} s, exit ${scan.code}`);
    const findings = JSON.parse(readFileSync(jsonFile, 'utf8')) as Finding[];
    const byId = new Map(findings.map((f) => [f.id, f]));
    const get = (id: string): Finding => { const f = byId.get(id); assert.ok(f, `testssl reported no '${id}':\n${scan.out.slice(-3000)}`); return f; };

    // Protocols: only TLS 1.2 and 1.3.
    for (const id of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) assert.match(get(id).finding, /^not offered/, `${id}: ${get(id).finding}`);
    assert.match(get('TLS1_2').finding, /^offered/);
    assert.match(get('TLS1_3').finding, /^offered/);
    // No client-initiated renegotiation (and secure renegotiation signalled).
    assert.equal(get('secure_client_renego').severity, 'OK', get('secure_client_renego').finding);
    assert.match(get('secure_client_renego').finding, /not vulnerable/);
    // TLS 1.2 suites: AEAD only, no CBC, no SHA-1.
    const tls12 = findings.filter((f) => f.id.startsWith('cipher-tls1_2_'));
    assert.ok(tls12.length > 0, 'testssl listed the TLS 1.2 suites');
    for (const f of tls12) {
      const iana = f.finding.trim().split(/\s+/).at(-1)!;
      assert.doesNotMatch(iana, /_CBC_|_SHA$|_CCM_8|_ARIA_|_RC4_|_3DES_/, `TLS 1.2 suite ${iana}`);
      assert.match(iana, /^TLS_ECDHE_(ECDSA|RSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/, `TLS 1.2 suite ${iana}`);
    }
    t.diagnostic(`TLS 1.2 suites: ${tls12.map((f) => f.finding.trim().split(/\s+/).at(-1)).join(', ')}`);
    // The chain verifies against the local CA.
    assert.match(get('cert_chain_of_trust').finding, /passed/);
    // No HIGH or CRITICAL finding, but for revocation: a local CA publishes no CRL/OCSP by design.
    const severe = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
    const accepted = severe.filter((f) => f.id === 'cert_revocation' && /Neither CRL nor OCSP URI provided/.test(f.finding));
    const rest = severe.filter((f) => !accepted.includes(f));
    assert.deepEqual(rest.map((f) => `${f.severity} ${f.id}: ${f.finding}`), []);
    assert.equal(findings.filter((f) => f.severity === 'FATAL').length, 0, 'testssl completed');
    const counts: Record<string, number> = {};
    for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    t.diagnostic(`findings by severity: ${JSON.stringify(counts)}; accepted by design: ${accepted.map((f) => `${f.severity} ${f.id} (${f.finding})`).join('; ') || 'none'}`);
    t.diagnostic(`non-OK/INFO findings: ${findings.filter((f) => !['OK', 'INFO'].includes(f.severity)).map((f) => `${f.severity} ${f.id}: ${f.finding}`).join(' | ')}`);
  } finally {
    if (listener && listener.exitCode === null && listener.signalCode === null) {
      const exited = new Promise<void>((r) => listener!.once('exit', () => r()));
      listener.stdin!.end();
      const timer = setTimeout(() => listener!.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    // Anything still running in the namespace (only what this test started) goes with it.
    for (const pid of ip(['netns', 'pids', ns]).split(/\s+/).filter(Boolean)) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
    spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  }
});
