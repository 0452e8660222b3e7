/**
 * Expiry warnings for identities: the listener uses this to warn through its events when its
 * identity is close to notAfter; stores use the same rule for `expiring()`.
 */
import type { Identity } from '../identity/identity.js';

/** Days before notAfter from which an identity counts as expiring. Default used by listeners: 30. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * A warning sentence when `identity`'s leaf expires within `withinDays` (default 30) of `time`
 * (default now) or has expired; undefined otherwise.
 *
 * @example
 * ```ts
 * const warning = expiryWarning(identity);
 * if (warning) listener.emit('warning', warning);
 * ```
 */
export function expiryWarning(identity: Identity, options: { withinDays?: number; time?: Date } = {}): string | undefined {
  const within = options.withinDays ?? EXPIRY_WARNING_DAYS;
  const now = (options.time ?? new Date()).getTime();
  const leaf = identity.certificate;
  const left = leaf.notAfter.getTime() - now;
  if (left > within * 86_400_000) return undefined;
  const name = identity.friendlyName ? `identity ${JSON.stringify(identity.friendlyName)} (${leaf.subject})` : `identity ${leaf.subject}`;
  if (left < 0) return `${name} expired on ${leaf.notAfter.toISOString()}; renew it and replace it in the store`;
  return `${name} expires on ${leaf.notAfter.toISOString()} (in ${Math.ceil(left / 86_400_000)} day(s)); renew it and replace it in the store`;
}
