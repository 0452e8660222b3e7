/**
 * Runs every example as a child process, as a reader would (`node dist/examples/<name>.js`), and
 * checks that it exits 0, within its time limit, printing the lines that show it did its job.
 * A new file under examples/ must be listed here (or as a helper module) or this test fails.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TIMEOUT_MS = 30_000;

/** Each runnable example and lines its output must contain (regular expressions, in order). */
const RUNNABLE: Record<string, RegExp[]> = {
  'first-look.js': [/verified TLSv1\.[23] connection; reply: \{"receipt":\{"table":7,"items":\["soup"\]\}\}/],
  'restaurant/main.js': [
    /front desk: listening on 127\.0\.0\.1:\d+, client certificates required/,
    /tablet-1: receipt R-\d+ for table 1, 29\.00 EUR, front desk saw tablet-1/,
    /tablet-3: receipt R-\d+ for table 3, 14\.00 EUR, front desk saw tablet-3/,
    /orders: 6 sent, 6 receipts/,
    /no certificate: refused \([A-Z_]+\)/,
    /certificate from another CA: refused \([A-Z_]+\)/,
    /front desk refused 2 client\(s\)/,
    /restaurant: OK/,
  ],
  'verify-by-ip.js': [
    /default verifier, dialing 127\.0\.0\.1: refused \(CERTIFICATE_VERIFY_FAILED, HOSTNAME_MISMATCH\)/,
    /basic X\.509 hook, dialing 127\.0\.0\.1: accepted; got \{"hello":"from the front desk"\}/,
    /basic X\.509 hook, certificate from another CA: refused \(CERTIFICATE_VERIFY_FAILED, NOT_TRUSTED\)/,
    /verify-by-ip: OK/,
  ],
  'pinning.js': [
    /pinned key, dialing 127\.0\.0\.1 without trust roots: accepted/,
    /server re-keyed, old pin: refused \(CERTIFICATE_VERIFY_FAILED\)/,
    /why: PIN_MISMATCH/,
    /after rotation to the backup key: accepted/,
    /pinning: OK/,
  ],
  'tofu.js': [
    /first connection: accepted/,
    /second connection \(no question asked\): accepted/,
    /after the printer changed its key: refused \(CERTIFICATE_VERIFY_FAILED, KNOWN_HOST_CHANGED\)/,
    /after removing the entry: accepted/,
    /tofu: OK/,
  ],
  'pkcs12-roundtrip.js': [
    /compatible: \d+ bytes; profile compatible; MAC HMAC-SHA-1 × 2048; OpenSSL 3\/Node read it: true; iOS < 18 reads it: true/,
    /modern: \d+ bytes; profile modern; MAC HMAC-SHA-256 × 2048; OpenSSL 3\/Node read it: true; iOS < 18 reads it: false/,
    /wrong password: BAD_PASSWORD/,
    /listener with the imported identity: verified TLSv1\.[23] connection to CN=listener-name\.local/,
    /pkcs12-roundtrip: OK/,
  ],
  'hot-reload.js': [
    /old connection: \{"echo":\{"order":1\}\}/,
    /new connection: \{"echo":\{"order":2\}\}/,
    /old connection still open: \{"echo":\{"order":3\}\}, state ready/,
    /listener: 2 open connections, 0 refused/,
    /hot-reload: OK/,
  ],
  'guide-flow.js': [
    /1\. CA "CN=Front Desk CA" saved and loaded/,
    /3\. CSR: signed CN=listener-name\.local/,
    /4\. stored under 'front-desk'/,
    /7\. by name: TLSv1\.[23], reply \{"received":\{"table":4,"items":\["soup"\]\}\}/,
    /7\. by IP: verified against the address 127\.0\.0\.1 in the certificate \(true\)/,
    /guide-flow: OK/,
  ],
  'pairing.js': [
    /front desk: pairing code [0-9A-Z]{4}-[0-9A-Z]{4}/,
    /tablet: wrong code refused \(PAIRING_CODE_WRONG\)/,
    /tablet: paired as CN=tablet-3\.local, root CN=Front Desk CA/,
    /second device, same code: refused \(PAIRING_CODE_USED\)/,
    /tablet: mutual TLS with the front desk: \{"welcome":"CN=tablet-3\.local"\}/,
    /pairing: OK/,
  ],
  'demo.js': [/Done: every step behaved as the flow says\./],
  'restaurant-http/main.js': [
    /front desk: https:\/\/127\.0\.0\.1:\d+, client certificates required/,
    /front desk: kitchen subscribed to the order feed/,
    /tablet-1: 201 receipt R-\d+ for table 1, 29\.00 EUR, front desk saw tablet-1/,
    /tablet-2: 201 receipt R-\d+ for table 2, 14\.00 EUR, front desk saw tablet-2/,
    /kitchen feed: 4 orders/,
    /no certificate: refused \([A-Z_]+\)/,
    /certificate from another CA: refused \(PEER_REJECTED_CERTIFICATE\)/,
    /front desk refused 2 client\(s\)/,
    /restaurant-http: OK/,
  ],
};

/** Modules imported by examples, not run on their own. */
const HELPERS = new Set(['restaurant/pki.js', 'restaurant/front-desk.js', 'restaurant/tablet.js', 'restaurant-http/front-desk.js']);

function compiled(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...compiled(path));
    else if (name.endsWith('.js')) out.push(relative(EXAMPLES, path).split('\\').join('/'));
  }
  return out;
}

function run(file: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(EXAMPLES, file)], { cwd: EXAMPLES, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr, ms: Date.now() - started }); });
  });
}

test("the README's first example is examples/first-look.ts, line for line", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /## A first look\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README.md has a "## A first look" TypeScript block');
  const source = readFileSync(join(ROOT, 'examples', 'first-look.ts'), 'utf8').replace("from '../src/index.js'", "from 'localtls'");
  const lines = block.split('\n').filter((l) => l.trim() !== '');
  assert.ok(lines.length >= 12, 'the README example is about 15 lines');
  for (const line of lines) assert.ok(source.includes(line), `README line not in examples/first-look.ts: ${line}`);
});

test('every compiled example is either run by this test or a helper module', () => {
  const unknown = compiled(EXAMPLES).filter((f) => !(f in RUNNABLE) && !HELPERS.has(f));
  assert.deepEqual(unknown, [], `add these examples to RUNNABLE in test/examples/examples.test.ts: ${unknown.join(', ')}`);
  for (const f of Object.keys(RUNNABLE)) assert.ok(compiled(EXAMPLES).includes(f), `${f} is listed but was not compiled`);
});

for (const [file, expected] of Object.entries(RUNNABLE)) {
  test(`example ${file} runs, exits 0 and prints what it shows`, { timeout: TIMEOUT_MS + 5_000 }, async () => {
    const { code, signal, stdout, stderr, ms } = await run(file);
    const context = `\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
    assert.equal(signal, null, `${file} was killed after ${ms} ms (limit ${TIMEOUT_MS} ms)${context}`);
    assert.equal(code, 0, `${file} exited with ${code}${context}`);
    let from = 0;
    for (const pattern of expected) {
      const match = pattern.exec(stdout.slice(from));
      assert.ok(match, `${file}: expected a line matching ${pattern} (after the previous ones)${context}`);
      from += match.index + match[0].length;
    }
  });
}
