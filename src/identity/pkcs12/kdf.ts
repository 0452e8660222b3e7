/**
 * The PKCS#12 key-derivation function (RFC 7292 appendix B.2), used by the classic password MAC
 * and the PKCS#12 PBE ciphers (3DES, RC2).
 *
 * Node has no binding for it, so it runs here, one hash at a time. A file may ask for millions of
 * iterations: long derivations run in a worker thread (kdf-worker.ts); short ones run on the main
 * thread in slices of a few milliseconds that yield to the event loop (through a shared
 * {@link Slicer}), so timers and I/O keep running during an import.
 */
import { createHash } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { ConfigError } from '../../errors.js';
import { iterateHash } from './hash-iterate.js';

/** Hashes the PKCS#12 KDF and MAC accept. */
export type KdfHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Output size u and block size v in bytes. */
export const HASH_SIZES: Record<KdfHash, { u: number; v: number }> = {
  sha1: { u: 20, v: 64 },
  sha224: { u: 28, v: 64 },
  sha256: { u: 32, v: 64 },
  sha384: { u: 48, v: 128 },
  sha512: { u: 64, v: 128 },
};

/** Purpose byte ("ID") of the KDF. */
export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer;
const oneShot = (nodeCrypto as unknown as { hash?: OneShot }).hash;
const digest: (name: KdfHash, data: Uint8Array) => Uint8Array = oneShot
  ? (name, data) => oneShot(name, data, 'buffer')
  : (name, data) => createHash(name).update(data).digest();

/**
 * Runs CPU work in slices: `tick()` yields to the event loop (setImmediate) once the current
 * slice has used its budget. One Slicer is shared across all derivations of one import.
 *
 * @example
 * ```ts
 * const slicer = new Slicer(); // 4 ms slices
 * for (let i = 0; i < n; i++) { work(); if ((i & 255) === 0) await slicer.tick(); }
 * ```
 */
export class Slicer {
  #sliceStart = performance.now();
  /** @param budgetMs the longest stretch of work between yields (default 4 ms). */
  constructor(readonly budgetMs = 4) {}

  /** Yields when the slice is used up. */
  async tick(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}

function repeatTo(bytes: Uint8Array, v: number): Uint8Array {
  if (bytes.length === 0) return new Uint8Array(0);
  const out = new Uint8Array(v * Math.ceil(bytes.length / v));
  for (let i = 0; i < out.length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/** Parameters of one derivation (plain data, so they can be posted to a worker). */
export interface KdfRequest {
  hash: KdfHash;
  password: Uint8Array;
  salt: Uint8Array;
  id: number;
  iterations: number;
  length: number;
}

/**
 * RFC 7292 appendix B.2, as a generator that pauses every 1024 hashes so the caller decides how
 * to schedule it (sliced on the main thread, or straight through in a worker).
 */
export function* kdfSteps(req: KdfRequest): Generator<void, Uint8Array, void> {
  const { u, v } = HASH_SIZES[req.hash];
  const I = new Uint8Array([...repeatTo(req.salt, v), ...repeatTo(req.password, v)]);
  const DI = new Uint8Array(v + I.length);
  DI.fill(req.id, 0, v);
  const blocks = Math.ceil(req.length / u);
  const out = new Uint8Array(blocks * u);
  const B = new Uint8Array(v);
  for (let i = 0; i < blocks; i++) {
    DI.set(I, v);
    let A = digest(req.hash, DI);
    // The remaining iterations-1 hashes, 1024 at a time (fast path in hash-iterate.ts when there is one).
    for (let done = 1; done < req.iterations;) {
      const n = Math.min(1024, req.iterations - done);
      const fast = iterateHash(req.hash, A, n);
      if (fast) A = fast;
      else for (let r = 0; r < n; r++) A = digest(req.hash, A);
      done += n;
      if (done < req.iterations) yield;
    }
    out.set(A, i * u);
    if (i + 1 < blocks) {
      for (let x = 0; x < v; x++) B[x] = A[x % u]!;
      for (let k = 0; k < I.length; k += v) {
        let carry = 1;
        for (let x = v - 1; x >= 0; x--) {
          const sum = I[k + x]! + B[x]! + carry;
          I[k + x] = sum & 0xff;
          carry = sum >> 8;
        }
      }
    }
  }
  return out.subarray(0, req.length);
}

/** Derivations of at least this many hashes run in a worker thread; smaller ones run in slices. */
export const WORKER_THRESHOLD = 100_000;

function inWorker(req: KdfRequest): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./kdf-worker.js', import.meta.url));
    } catch {
      resolve(undefined); // no worker support (e.g. a bundle without the worker file): fall back to slices
      return;
    }
    let settled = false;
    const finish = (value: Uint8Array | undefined): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      resolve(value);
    };
    worker.once('message', (result: unknown) => finish(result instanceof Uint8Array ? result : undefined));
    worker.once('error', () => finish(undefined));
    worker.once('exit', () => finish(undefined));
    worker.postMessage(req);
  });
}

/**
 * Derives `length` bytes with the PKCS#12 KDF.
 *
 * Long derivations (iterations x output blocks >= 100,000 hashes) run in a worker thread; shorter
 * ones run here in slices of a few milliseconds that yield to the event loop.
 *
 * @param password already encoded (see password.ts: BMPString + 00 00, or empty when absent)
 * @param id 1 = key, 2 = IV, 3 = MAC key
 * @param slicer shared yield budget (default: a fresh 4 ms one)
 *
 * @example
 * ```ts
 * const key = await pkcs12Kdf('sha1', bmpPassword('secret'), salt, KDF_ID.key, 2048, 24);
 * ```
 */
export async function pkcs12Kdf(
  hash: KdfHash, password: Uint8Array, salt: Uint8Array, id: number, iterations: number, length: number, slicer = new Slicer(),
): Promise<Uint8Array> {
  const sizes = HASH_SIZES[hash];
  if (!sizes) throw new ConfigError('INVALID_OPTION', `hash: expected one of ${Object.keys(HASH_SIZES).join(', ')}; found ${String(hash)}`);
  if (!Number.isSafeInteger(iterations) || iterations < 1) throw new ConfigError('INVALID_OPTION', `iterations: expected a positive integer; found ${iterations}`);
  const req: KdfRequest = { hash, password, salt, id, iterations, length };
  if (iterations * Math.ceil(length / sizes.u) >= WORKER_THRESHOLD) {
    const result = await inWorker(req);
    if (result) return result;
  }
  const steps = kdfSteps(req);
  for (;;) {
    const step = steps.next();
    if (step.done) {
      await slicer.tick();
      return step.value;
    }
    await slicer.tick();
  }
}
