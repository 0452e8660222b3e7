/** Wording helpers for trust explanations: certificate labels, dates and durations. */
import type { Certificate } from '../cert/certificate.js';

/** `'CN=Front Desk CA'` — the subject in quotes, or a fingerprint prefix when the subject is empty. */
export function certLabel(cert: Certificate): string {
  return cert.subject ? `'${cert.subject}'` : `(empty subject, sha256 ${cert.fingerprintSha256.slice(0, 11)}…)`;
}

/** First 8 hex digits of the SPKI SHA-256, e.g. `ab12cd34…`. */
export function shortSpki(cert: Certificate): string {
  return `${cert.spkiSha256.hex.slice(0, 8)}…`;
}

/** `2026-11-24 10:00 UTC`. */
export function formatUtc(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `2026-11-27`. */
export function formatDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A rough human duration: "40 seconds", "5 minutes", "3 hours", "3 days", "2 years". */
export function formatDuration(ms: number): string {
  const s = Math.abs(ms) / 1000;
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (s < 90) return unit(Math.round(s), 'second');
  if (s < 90 * 60) return unit(Math.round(s / 60), 'minute');
  if (s < 36 * 3600) return unit(Math.round(s / 3600), 'hour');
  if (s < 730 * 86400) return unit(Math.round(s / 86400), 'day');
  return unit(Math.round(s / (365.25 * 86400)), 'year');
}

/** "this device's clock says 2026-11-27" or "evaluated at 2026-11-27" when `time` was given. */
export function clockPhrase(time: Date, explicit: boolean): string {
  return explicit ? `evaluated at ${formatUtc(time)}` : `this device's clock says ${formatUtc(time)}`;
}

/** Joins a list for a message: "a, b and c" style without the "and" (comma-separated). */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
