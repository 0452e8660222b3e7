/**
 * Shared setup for property tests: a fixed seed (reproducible; override with FUZZ_SEED), the number
 * of runs (10,000 in CI; FUZZ_RUNS for long runs via `npm run fuzz`), and a check that only
 * LocalTlsError escapes and that no input takes more than a second.
 */
import assert from 'node:assert/strict';
import { LocalTlsError } from '../../src/errors.js';

/** fast-check parameters for every fuzz target. */
export const fuzzParameters = {
  seed: Number(process.env.FUZZ_SEED ?? 20261127),
  numRuns: Number(process.env.FUZZ_RUNS ?? 10_000),
};

/** Runs `fn`; passes when it returns or throws a LocalTlsError, within 1 s. */
export function onlyLocalTlsErrors(fn: () => unknown): void {
  const start = performance.now();
  try {
    fn();
  } catch (error) {
    if (!(error instanceof LocalTlsError)) throw new Error(`a non-LocalTlsError escaped: ${String(error)}`, { cause: error });
    assert.ok(error.code.length > 0 && error.message.length > 0);
  }
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 1000, `one input took ${elapsed.toFixed(0)} ms`);
}

/** Async variant of {@link onlyLocalTlsErrors}. */
export async function onlyLocalTlsErrorsAsync(fn: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  try {
    await fn();
  } catch (error) {
    if (!(error instanceof LocalTlsError)) throw new Error(`a non-LocalTlsError escaped: ${String(error)}`, { cause: error });
  }
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 1000, `one input took ${elapsed.toFixed(0)} ms`);
}

/** A mutation of a byte array: flip, truncate, insert, or overwrite a run. */
export interface Mutation { kind: 'flip' | 'truncate' | 'insert' | 'overwrite'; at: number; value: number; length: number }

/** Applies a mutation (positions taken modulo the input length). */
export function mutate(input: Uint8Array, m: Mutation): Uint8Array {
  const at = input.length === 0 ? 0 : m.at % input.length;
  switch (m.kind) {
    case 'flip': { const out = new Uint8Array(input); out[at] = (out[at]! ^ (1 << (m.value % 8))) & 0xff; return out; }
    case 'truncate': return input.subarray(0, at);
    case 'insert': return new Uint8Array([...input.subarray(0, at), ...new Array<number>(1 + (m.length % 8)).fill(m.value & 0xff), ...input.subarray(at)]);
    case 'overwrite': { const out = new Uint8Array(input); out.fill(m.value & 0xff, at, at + 1 + (m.length % 16)); return out; }
  }
}
