/**
 * The store under SIGKILL and under two writers: it always opens, every item decrypts, each item
 * is the old or the new version, nothing acknowledged is lost, and concurrent adds all land.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IdentityStore } from '../../src/store/identity-store.js';
import { TEMP_PREFIX } from '../../src/internal/atomic-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { PASSPHRASE, TEST_KDF, testMaterial } from './store-fixtures.js';

const WRITER = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'store-writer.js');

async function writeMaterial(dir: string): Promise<string> {
  const { a, b } = await testMaterial();
  const pem = (i: typeof a) => { const p = i.toPEM(); return { cert: p.certificatePem, key: p.keyPem }; };
  const file = join(dir, 'material.json');
  await writeFile(file, JSON.stringify({ passphrase: PASSPHRASE, N: TEST_KDF.N, a: pem(a), b: pem(b) }));
  return file;
}

interface Child { proc: ChildProcess; lines: string[]; warm: Promise<void>; ready: Promise<void>; exited: Promise<number | null> }

/** Starts a writer; with `wait`, it loads and then waits for {@link go} before opening the store. */
function startWriter(args: string[], wait = false): Child {
  const proc = spawn(process.execPath, [WRITER, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, STORE_WRITER_WAIT: wait ? '1' : '0' } });
  const lines: string[] = [];
  let buffered = '';
  let stderr = '';
  let onReady!: () => void;
  let onWarm!: () => void;
  const ready = new Promise<void>((resolve) => { onReady = resolve; });
  const warm = new Promise<void>((resolve) => { onWarm = resolve; });
  proc.stdin!.on('error', () => undefined);
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) { lines.push(line); if (line === 'ready') onReady(); if (line === 'warm') onWarm(); }
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`writer exited ${code}: ${stderr}\n`);
    onWarm();
    onReady();
    resolve(code);
  }));
  return { proc, lines, warm, ready, exited };
}

/**
 * A temp directory and the list of writers started in it; after the test, writers still running
 * are killed, all are awaited, then the directory is removed.
 */
async function writerSandbox(t: TestContext): Promise<{ dir: string; children: Child[] }> {
  const { dir, cleanup } = await makeTempDir();
  const children: Child[] = [];
  t.after(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await cleanup();
  });
  return { dir, children };
}

test('50 SIGKILLs at random moments while adding and replacing: the store always opens and nothing is lost', { timeout: 120_000 }, async (t) => {
  const { dir, children } = await writerSandbox(t);
  const { a, b } = await testMaterial();
  const versions = new Set([a.certificate.fingerprintSha256, b.certificate.fingerprintSha256]);
  const material = await writeMaterial(dir);
  const storeDir = join(dir, 'ids');
  const seed = await IdentityStore.open({ dir: storeDir, passphrase: PASSPHRASE, kdf: TEST_KDF });
  for (let i = 0; i < 5; i++) await seed.add(a, { label: `item-${i}` });
  const acknowledged = new Set<string>();
  let startMs = 0;
  let verifyMs = 0;

  for (let run = 0; run < 50; run++) {
    // keep two writers loading ahead (process start-up dominates the run time); each touches the
    // store only after "go", so exactly one writer runs at a time
    while (children.length < Math.min(run + 3, 50)) children.push(startWriter(['churn', storeDir, material, `run${children.length}`], true));
    const child = children[run]!;
    const waited = performance.now();
    await child.warm;
    child.proc.stdin!.end('go\n');
    await child.ready;
    startMs += performance.now() - waited;
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 130));
    child.proc.kill('SIGKILL');
    assert.equal(await child.exited, null, 'the writer should only stop by SIGKILL');
    for (const line of child.lines) if (line.startsWith('added ')) acknowledged.add(line.slice(6));

    const verifyStart = performance.now();
    const store = await IdentityStore.open({ dir: storeDir, passphrase: PASSPHRASE });
    assert.deepEqual(await store.check(), [], `run ${run}: every item readable`);
    const labels = new Set((await store.list()).map((i) => i.label));
    for (let i = 0; i < 5; i++) {
      const identity = await store.get(`item-${i}`);
      assert.ok(versions.has(identity.certificate.fingerprintSha256), `run ${run}: item-${i} is version A or B`);
    }
    for (const label of acknowledged) assert.ok(labels.has(label), `run ${run}: acknowledged ${label} is still there`);
    verifyMs += performance.now() - verifyStart;
  }
  t.diagnostic(`${acknowledged.size} acknowledged adds; waiting for writers ${Math.round(startMs)} ms, verification ${Math.round(verifyMs)} ms in total`);
  const final = await IdentityStore.open({ dir: storeDir, passphrase: PASSPHRASE });
  for (const label of acknowledged) assert.ok(versions.has((await final.get(label)).certificate.fingerprintSha256));
  assert.ok(acknowledged.size > 0, 'the writers got some adds done');
  assert.deepEqual((await readdir(storeDir)).filter((n) => n.startsWith(TEMP_PREFIX)), [], 'stale temp files were cleaned');
});

test('two processes adding 100 items each at the same time (also racing to create the store) → 200 readable items', { timeout: 120_000 }, async (t) => {
  const { dir, children } = await writerSandbox(t);
  const material = await writeMaterial(dir);
  const storeDir = join(dir, 'ids');
  children.push(startWriter(['add', storeDir, material, 'one', '100']), startWriter(['add', storeDir, material, 'two', '100']));
  assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);
  const store = await IdentityStore.open({ dir: storeDir, passphrase: PASSPHRASE });
  const list = await store.list();
  assert.equal(list.length, 200);
  assert.deepEqual(await store.check(), []);
  for (const item of list) await store.get(item.label);
});
