/**
 * The one-time code's life: live until it is used once, guessed wrong too often, or expires.
 * Every check reads the clock through `now`, so tests control time without sleeping.
 */
import { LocalTlsError } from '../errors.js';

/** Default lifetime of a pairing code: 10 minutes. */
export const DEFAULT_CODE_TTL_MS = 10 * 60_000;
/** Default number of wrong proofs after which the code is dead: 5. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** 'live', or why the code no longer works. */
export type CodeStatus = 'live' | 'used' | 'expired' | 'exhausted';

/** The state of one code (internal to the enrollment endpoint). */
export class CodeState {
  readonly expiresAt: Date;
  readonly #maxAttempts: number;
  readonly #now: () => Date;
  #wrong = 0;
  #used = false;

  constructor(options: { ttlMs: number; maxAttempts: number; now: () => Date }) {
    this.#now = options.now;
    this.#maxAttempts = options.maxAttempts;
    this.expiresAt = new Date(options.now().getTime() + options.ttlMs);
  }

  get status(): CodeStatus {
    if (this.#used) return 'used';
    if (this.#wrong >= this.#maxAttempts) return 'exhausted';
    if (this.#now().getTime() >= this.expiresAt.getTime()) return 'expired';
    return 'live';
  }

  /** Wrong proofs left before the code dies. */
  get attemptsLeft(): number {
    return Math.max(0, this.#maxAttempts - this.#wrong);
  }

  /** The error for a code that is not live. */
  deadError(): LocalTlsError | undefined {
    switch (this.status) {
      case 'used': return new LocalTlsError('PAIRING_CODE_USED', 'pairing code: expected an unused code; found one that already paired a device (codes are single-use)', { hint: 'run `localtls pair` again for a new code' });
      case 'exhausted': return new LocalTlsError('PAIRING_CODE_EXHAUSTED', `pairing code: expected fewer than ${this.#maxAttempts} wrong tries; found ${this.#wrong}, so the code is dead`, { hint: 'run `localtls pair` again for a new code' });
      case 'expired': return new LocalTlsError('PAIRING_CODE_EXPIRED', `pairing code: expected use before ${this.expiresAt.toISOString()}; it has expired`, { hint: 'run `localtls pair` again for a new code' });
      default: return undefined;
    }
  }

  /** Records a wrong proof and returns the error to send. */
  wrong(): LocalTlsError {
    this.#wrong++;
    const left = this.attemptsLeft;
    return new LocalTlsError('PAIRING_CODE_WRONG', `pairing code: expected the code shown by \`localtls pair\`; found a different one (${left} ${left === 1 ? 'try' : 'tries'} left)`);
  }

  /** Marks the code used: from now on it pairs nothing. */
  consume(): void {
    this.#used = true;
  }
}
