/** Validity windows: backdated for clock skew, capped at 825 days, never past the issuer. */
import { integerIn } from '../internal/options.js';

/** How far notBefore is set in the past, to tolerate clocks that run slow (1 hour). */
export const CLOCK_SKEW_MS = 60 * 60 * 1000;
/** Apple's limit for certificates under a non-built-in root. */
export const MAX_LEAF_VALIDITY_DAYS = 825;
/** Default leaf validity (the public-web limit; renew yearly). */
export const DEFAULT_LEAF_VALIDITY_DAYS = 397;
/** Default CA validity (10 years). */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The window for a new certificate: notBefore = now - 1 h; notAfter = notBefore + days, capped at
 * `maxDays` and at `issuerNotAfter`.
 */
export function validityWindow(options: { days: unknown; maxDays: number; now?: Date; issuerNotAfter?: Date; name: string }): { notBefore: Date; notAfter: Date } {
  const requested = integerIn(options.name, options.days, 1, 100 * 365);
  const days = Math.min(requested, options.maxDays);
  const now = options.now ?? new Date();
  const notBefore = new Date(Math.floor((now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000);
  let notAfter = new Date(notBefore.getTime() + days * DAY_MS);
  if (options.issuerNotAfter && notAfter > options.issuerNotAfter) notAfter = new Date(options.issuerNotAfter.getTime());
  return { notBefore, notAfter };
}
