/** Option validation helpers: each names the option, the accepted values and what was found. */
import { ConfigError } from '../errors.js';

/** A short, safe description of a value for error messages (never prints long strings in full). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value.length > 60 ? `a ${value.length}-character string` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (typeof value === 'function') return 'a function';
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}

/** Throws INVALID_OPTION unless `value` is one of `allowed`. */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ConfigError('INVALID_OPTION', `${name}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}; found ${describe(value)}`);
}

/** Throws INVALID_OPTION unless `value` is an integer within [min, max]. */
export function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
  throw new ConfigError('INVALID_OPTION', `${name}: expected an integer from ${min} to ${max}; found ${describe(value)}`);
}

/** Throws INVALID_OPTION unless `value` is a non-empty string. */
export function nonEmptyString(name: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new ConfigError('INVALID_OPTION', `${name}: expected a non-empty string; found ${describe(value)}`);
}

/** Throws INVALID_OPTION unless `value` is a boolean. */
export function booleanOption(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  throw new ConfigError('INVALID_OPTION', `${name}: expected true or false; found ${describe(value)}`);
}

/** Throws INVALID_OPTION unless `value` is a function. */
export function functionOption<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value === 'function') return value as F;
  throw new ConfigError('INVALID_OPTION', `${name}: expected a function; found ${describe(value)}`);
}

/** Throws INVALID_OPTION when `options` has keys that are not in `known` (catches typos). */
export function knownKeys(what: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new ConfigError('INVALID_OPTION', `${what}: unknown option '${key}'; expected one of ${known.join(', ')}`);
    }
  }
}
