/**
 * Host strings → subjectAltName entries. DNS names are lowercased, one trailing dot removed,
 * internationalised names converted to A-labels (punycode); a wildcard is allowed only as the whole
 * leftmost label. IPv4 and IPv6 text becomes an iPAddress entry.
 */
import { domainToASCII } from 'node:url';
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

/** A subjectAltName entry. `value` is canonical: an A-label DNS name or a compressed IP address. */
export type SubjectAltName =
  | { type: 'dns'; value: string }
  | { type: 'ip'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** Normalises a DNS name (lowercase, A-labels, no trailing dot), or returns undefined when invalid. */
export function normalizeDnsName(name: string, allowWildcard = false): string | undefined {
  let text = name.trim();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text.length === 0 || text.length > 253) return undefined;
  // Reject Unicode dots and other separators up front: they must not become '.' silently.
  if (/[\u3002\uff0e\uff61\s/\\@:%]/.test(text)) return undefined;
  const wildcard = text.startsWith('*.');
  if (wildcard && !allowWildcard) return undefined;
  const rest = wildcard ? text.slice(2) : text;
  if (rest.includes('*')) return undefined;
  const ascii = /^[\x00-\x7f]*$/.test(rest) ? rest.toLowerCase() : domainToASCII(rest);
  if (!ascii) return undefined;
  const labels = ascii.split('.');
  if (!labels.every((label) => LABEL.test(label))) return undefined;
  if (wildcard && labels.length < 2) return undefined;
  if (labels.length > 0 && /^\d+$/.test(labels[labels.length - 1]!)) return undefined;
  return (wildcard ? '*.' : '') + ascii;
}

/** The prefix of a SAN value that is not a usable name (it never matches and is never permitted). */
export const INVALID_NAME_PREFIX = 'invalid:';

function invalidMarker(raw: string): string {
  const escaped = raw.replace(/[^\x21-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${INVALID_NAME_PREFIX}"${escaped}"`;
}

/**
 * The one canonical form of a certificate's dNSName (an IA5String): lowercase, one trailing dot
 * removed. A name holding any character outside printable ASCII (a raw 0x80+ byte, a soft hyphen,
 * a control character, a space), an empty name or an empty label (`.example.com`, `a..b`) is not
 * a DNS name: it becomes `invalid:` followed by an escaped form, which host matching never matches
 * and name constraints never permit. In a name-constraint subtree (`inConstraint`) the empty name
 * is valid (it covers every name); a leading period is still invalid (RFC 5280 §4.2.1.10 allows it
 * only in URI and email constraints), so such a constraint can never be shown to be met. Every
 * check reads this form; none re-maps the raw name (no IDNA conversion of certificate names).
 *
 * @example
 * ```ts
 * canonicalDnsSan('Listener.LOCAL.') // 'listener.local'
 * canonicalDnsSan('b\xAAnk.local')  // 'invalid:"b\\u00aank.local"'
 * canonicalDnsSan('.example.com')   // 'invalid:".example.com"'
 * ```
 */
export function canonicalDnsSan(raw: string, inConstraint = false): string {
  if (!/^[\x21-\x7e]*$/.test(raw)) return invalidMarker(raw);
  const name = raw.toLowerCase().replace(/\.$/, '');
  if (name === '' && inConstraint) return name;
  if (name === '' || name.split('.').some((label) => label === '')) return invalidMarker(raw);
  return name;
}

/**
 * The canonical form of an rfc822Name (an IA5String mailbox, or in a constraint a host or
 * `.domain`): a SAN holds exactly one `@` with text on both sides, a constraint at most one, and
 * both are printable ASCII; anything else becomes an `invalid:` marker that never matches and is
 * never permitted.
 *
 * @example
 * ```ts
 * canonicalEmail('orders@desk.local')           // 'orders@desk.local'
 * canonicalEmail('invalid@address@example.com') // 'invalid:"invalid@address@example.com"'
 * ```
 */
export function canonicalEmail(raw: string, inConstraint = false): string {
  if (!/^[\x21-\x7e]+$/.test(raw)) return invalidMarker(raw);
  const at = raw.split('@').length - 1;
  if (inConstraint ? at > 1 : at !== 1 || raw.startsWith('@') || raw.endsWith('@')) return invalidMarker(raw);
  return raw;
}

/** True when a SAN value is the marker of an unusable name (see {@link canonicalDnsSan}). @example `isInvalidName('invalid:"x"') // true` */
export function isInvalidName(value: string): boolean {
  return value.startsWith(INVALID_NAME_PREFIX);
}

/**
 * Parses one host string into a SAN entry.
 *
 * @example
 * ```ts
 * hostToSan('Listener-Name.local.')  // { type: 'dns', value: 'listener-name.local' }
 * hostToSan('[::1]')                 // { type: 'ip', value: '::1' }
 * ```
 * @throws ConfigError INVALID_HOST naming the string when it is neither a DNS name nor an IP address.
 */
export function hostToSan(host: string): { type: 'dns' | 'ip'; value: string } {
  if (typeof host !== 'string') {
    throw new ConfigError('INVALID_HOST', `host: expected a DNS name or an IP address; found ${describe(host)}`);
  }
  const ip = parseIpAddress(host.trim());
  if (ip) return { type: 'ip', value: formatIpAddress(ip) };
  const dns = normalizeDnsName(host, true);
  if (dns) return { type: 'dns', value: dns };
  throw new ConfigError(
    'INVALID_HOST',
    `host ${JSON.stringify(host)}: expected a DNS name (letters, digits and hyphens in dot-separated labels, a wildcard only as the whole first label) or an IPv4/IPv6 address`,
  );
}

/** Parses many host strings, dropping duplicates (after normalisation), keeping order. */
export function hostsToSans(hosts: readonly string[]): { type: 'dns' | 'ip'; value: string }[] {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new ConfigError('INVALID_OPTION', `hosts: expected a non-empty array of DNS names or IP addresses; found ${describe(hosts)}`);
  }
  const seen = new Set<string>();
  const out: { type: 'dns' | 'ip'; value: string }[] = [];
  for (const host of hosts) {
    const san = hostToSan(host);
    const key = `${san.type}:${san.value}`;
    if (!seen.has(key)) { seen.add(key); out.push(san); }
  }
  return out;
}
