/** Asserts that a call fails with a LocalTlsError of the given code. */
import assert from 'node:assert/strict';
import { LocalTlsError, type ErrorCode } from '../../src/errors.js';

/** Awaits `fn` and checks it rejects with LocalTlsError `code`; returns the error. */
export async function rejectsWithCode(fn: () => unknown, code: ErrorCode): Promise<LocalTlsError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof LocalTlsError, `expected LocalTlsError ${code}; got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}; got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected LocalTlsError ${code}; the call succeeded`);
}

/** Checks a synchronous call throws LocalTlsError `code`. */
export function throwsWithCode(fn: () => unknown, code: ErrorCode): LocalTlsError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof LocalTlsError, `expected LocalTlsError ${code}; got ${String(error)}`);
    assert.equal(error.code, code, `expected ${code}; got ${error.code}: ${error.message}`);
    return error;
  }
  assert.fail(`expected LocalTlsError ${code}; the call succeeded`);
}
