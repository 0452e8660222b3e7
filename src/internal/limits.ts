/** Size limits checked before any parsing, so hostile inputs cost nothing. */
import { LocalTlsError } from '../errors.js';
import { integerIn } from './options.js';

/** Default limit for one DER object (certificate, CSR, key): 1 MiB. */
export const DEFAULT_MAX_DER_BYTES = 1024 * 1024;
/** Default limit for PEM text (a bundle may hold hundreds of roots): 16 MiB. */
export const DEFAULT_MAX_PEM_CHARS = 16 * 1024 * 1024;

/** Options every parser that takes untrusted bytes accepts. */
export interface SizeLimitOptions {
  /** Largest input accepted, in bytes (characters for PEM text). Default 1 MiB for DER, 16 MiB for PEM. */
  maxBytes?: number;
}

/** Throws INPUT_TOO_LARGE when `size` exceeds the limit (the caller's `maxBytes` or the default). */
export function checkInputSize(what: string, size: number, options: SizeLimitOptions | undefined, defaultMax: number): void {
  const max = options?.maxBytes === undefined ? defaultMax : integerIn('maxBytes', options.maxBytes, 1, 2 ** 31);
  if (size > max) {
    throw new LocalTlsError('INPUT_TOO_LARGE', `${what}: expected at most ${max} bytes; found ${size} (refused before parsing)`, {
      hint: 'check that this is the right file; pass a larger maxBytes only for input you trust',
    });
  }
}
