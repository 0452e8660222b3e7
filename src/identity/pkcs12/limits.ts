/** Limits that protect an import from hostile files: iteration caps and input sizes. */
import { ConfigError, IdentityError } from '../../errors.js';
import { describe } from '../../internal/options.js';
import { malformed } from './asn1.js';

/** Default cap on any iteration count a file declares (MAC, PBE, PBKDF2). */
export const DEFAULT_MAX_ITERATIONS = 2_000_000;

/** Largest PKCS#12 file accepted (bytes). Real files are a few kilobytes. */
export const MAX_PKCS12_BYTES = 8 * 1024 * 1024;

/** Validates the `maxIterations` option. */
export function checkMaxIterationsOption(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_ITERATIONS;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw new ConfigError('INVALID_OPTION', `maxIterations: expected a positive integer (default ${DEFAULT_MAX_ITERATIONS}); found ${describe(value)}`);
}

/** Refuses an iteration count before any derivation runs. */
export function checkIterations(iterations: number, max: number, what: string): number {
  if (iterations < 1) throw malformed(`${what}: expected an iteration count of at least 1; found ${iterations}`);
  if (iterations > max) {
    throw new IdentityError('ITERATIONS_TOO_HIGH', `PKCS#12: ${what} declares ${Number.isFinite(iterations) ? iterations : 'more than 2^53'} iterations; expected at most ${max}`, {
      hint: 'if you trust this file, pass a higher maxIterations option',
      details: { iterations, maxIterations: max },
    });
  }
  return iterations;
}
