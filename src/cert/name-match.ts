/**
 * RFC 6125 host matching against subjectAltName only (no common-name fallback).
 * DNS: ASCII comparison after IDNA conversion, case-insensitive, one trailing dot ignored, a
 * wildcard only as the whole leftmost label and matching exactly one label. IP: only iPAddress
 * entries match, compared as addresses (so "::1" equals "0:0:0:0:0:0:0:1").
 */
import { formatIpAddress, parseIpAddress } from './ip-address.js';
import { normalizeDnsName, type SubjectAltName } from './host-name.js';

/** A canonical host: frozen, so one object can serve every caller that asks about the same text. */
export type CanonicalHost = Readonly<{ type: 'dns' | 'ip'; value: string }>;

/**
 * The dialed host in canonical form, or undefined when it is not a valid name or address.
 * Remembered per text (a bounded map, {@link MAX_CANONICAL} entries): every connect() and every
 * verification canonicalises the same few hosts, and the IDNA / address parsing is pure.
 * @example `canonicalHost('Desk.local') // { type: 'dns', value: 'desk.local' }`
 */
export function canonicalHost(host: string): CanonicalHost | undefined {
  if (typeof host !== 'string') return undefined;
  const known = canonical.get(host);
  if (known !== undefined || canonical.has(host)) return known;
  const ip = parseIpAddress(host);
  const dns = ip ? undefined : normalizeDnsName(host, false);
  const result = ip ? Object.freeze({ type: 'ip' as const, value: formatIpAddress(ip) }) : dns ? Object.freeze({ type: 'dns' as const, value: dns }) : undefined;
  // Long texts are not remembered (a name is at most 253 octets; an attacker's junk stays out).
  if (host.length <= 255) {
    if (canonical.size >= MAX_CANONICAL) canonical.delete(canonical.keys().next().value as string);
    canonical.set(host, result);
  }
  return result;
}

const MAX_CANONICAL = 512;
const canonical = new Map<string, CanonicalHost | undefined>();

/** True when the DNS SAN pattern (maybe a wildcard) matches the canonical host name. */
export function dnsNameMatches(pattern: string, host: string): boolean {
  // Certificate names are IA5String (see canonicalDnsSan): a non-ASCII pattern never matches, and
  // is not re-mapped through IDNA (that is how a name would differ between matching and constraints).
  if (!/^[\x21-\x7e]+$/.test(pattern)) return false;
  const normalized = normalizeDnsName(pattern, true);
  if (!normalized) return false;
  if (!normalized.startsWith('*.')) return normalized === host;
  const suffix = normalized.slice(1); // ".example.local"
  if (!host.endsWith(suffix)) return false;
  const first = host.slice(0, host.length - suffix.length);
  return first.length > 0 && !first.includes('.');
}

/**
 * True when `host` (a name or an IP address) is covered by one of the SANs.
 *
 * @example
 * ```ts
 * hostMatchesSans('A.example.local', [{ type: 'dns', value: '*.example.local' }]) // true
 * hostMatchesSans('10.0.0.3', [{ type: 'dns', value: '10.0.0.3' }])                // false: IPs need an iPAddress SAN
 * ```
 */
export function hostMatchesSans(host: string, sans: readonly SubjectAltName[]): boolean {
  const target = canonicalHost(host);
  if (!target) return false;
  if (target.type === 'ip') return sans.some((san) => san.type === 'ip' && san.value === target.value);
  return sans.some((san) => san.type === 'dns' && dnsNameMatches(san.value, target.value));
}
