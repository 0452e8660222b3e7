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

/** Default total budget of one import, as a multiple of `maxIterations`: 4 (8,000,000 by default). */
export const TOTAL_ITERATIONS_FACTOR = 4;

/** Validates the `maxTotalIterations` option; its default is {@link TOTAL_ITERATIONS_FACTOR} × `maxIterations`. */
export function checkMaxTotalIterationsOption(value: unknown, maxIterations: number): number {
  if (value === undefined) return TOTAL_ITERATIONS_FACTOR * maxIterations;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 1) return value;
  throw new ConfigError('INVALID_OPTION', `maxTotalIterations: expected a positive integer (default ${TOTAL_ITERATIONS_FACTOR} × maxIterations = ${TOTAL_ITERATIONS_FACTOR * maxIterations}); found ${describe(value)}`);
}

/**
 * The total key-derivation work one import may do: every iteration count a derivation will run
 * (MAC, encrypted SafeContents, encrypted keys, once per password form tried) is spent here
 * before that derivation starts, so a file of many SafeContents each just under `maxIterations`
 * is refused up front instead of costing minutes of CPU.
 *
 * @example
 * ```ts
 * const budget = new IterationBudget(8_000_000);
 * budget.spend(2048, 'MAC (HMAC-SHA-256)');   // throws ITERATIONS_TOO_HIGH once the total passes 8,000,000
 * ```
 */
export class IterationBudget {
  /** The most iterations this import may run in total. */
  readonly max: number;
  #spent = 0;

  constructor(max: number) {
    this.max = max;
  }

  /** Iterations spent so far. */
  get spent(): number {
    return this.#spent;
  }

  /**
   * Spends `iterations` for `what`, or refuses before any of it runs.
   * @throws IdentityError ITERATIONS_TOO_HIGH
   */
  spend(iterations: number, what: string): void {
    const total = this.#spent + iterations;
    if (total > this.max) {
      throw new IdentityError('ITERATIONS_TOO_HIGH', `PKCS#12: with ${what} the key derivations of this file total ${total} iterations (${this.#spent} before it); expected at most ${this.max} in total for one import`, {
        hint: 'if you trust this file, pass a higher maxTotalIterations option (default 4 × maxIterations)',
        details: { totalIterations: total, maxTotalIterations: this.max },
      });
    }
    this.#spent = total;
  }
}
