/**
 * `.local` names and DNS-SD service types: recognising, normalising and validating them.
 * Pure functions; no network access.
 */
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * True when `host` is a multicast DNS name: it ends in `.local` (case-insensitive, an optional
 * trailing dot allowed) and has at least one label before it.
 *
 * @example
 * ```ts
 * isLocalName('listener-name.local');  // true
 * isLocalName('example.com');          // false
 * ```
 */
export function isLocalName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h.endsWith('.local') && h.length > '.local'.length;
}

/** Lower-case, no trailing dot: the form names are compared and cached in. */
export function canonicalLocalName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * Validates a host name to advertise: a single label followed by `.local`
 * (`listener-name.local`). Throws INVALID_OPTION otherwise. Returns the lower-case name.
 */
export function validateAdvertisedHostName(name: string, option: string): string {
  if (typeof name === 'string') {
    const h = canonicalLocalName(name);
    const label = h.slice(0, -'.local'.length);
    if (isLocalName(h) && LABEL.test(label)) return h;
  }
  throw new ConfigError('INVALID_OPTION', `${option}: expected one DNS label followed by '.local' (like 'listener-name.local'); found ${describe(name)}`);
}

/** A parsed DNS-SD service type such as `_orders._tcp`. */
export interface ParsedServiceType {
  /** The application part without underscore, e.g. `orders`. */
  readonly name: string;
  /** `tcp` or `udp`. */
  readonly protocol: 'tcp' | 'udp';
  /** `_orders._tcp.local`, the name browsers ask for. */
  readonly fqdn: string;
}

/**
 * Parses `_name._tcp` (or `_name._udp`, an optional `.local` suffix allowed). The name is 1–15
 * letters, digits or hyphens (RFC 6763 §7.2). Throws INVALID_OPTION otherwise.
 *
 * @example
 * ```ts
 * parseServiceType('_orders._tcp'); // { name: 'orders', protocol: 'tcp', fqdn: '_orders._tcp.local' }
 * ```
 */
export function parseServiceType(type: string, option = 'type'): ParsedServiceType {
  const m = typeof type === 'string' ? /^_([a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?)\._(tcp|udp)(?:\.local)?\.?$/i.exec(type) : null;
  if (!m || /--/.test(m[1]!)) {
    throw new ConfigError('INVALID_OPTION', `${option}: expected a DNS-SD service type like '_orders._tcp' (1-15 letters, digits or hyphens; _tcp or _udp); found ${describe(type)}`);
  }
  const name = m[1]!.toLowerCase();
  const protocol = m[2]!.toLowerCase() as 'tcp' | 'udp';
  return { name, protocol, fqdn: `_${name}._${protocol}.local` };
}
