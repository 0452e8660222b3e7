/**
 * The host:port keys of the known-hosts file: how a dialed host is canonicalised before it is
 * recorded or looked up (the same canonical form certificate matching uses), and how an endpoint
 * is printed in messages.
 */
import { ConfigError } from '../errors.js';
import { describe, integerIn, nonEmptyString } from '../internal/options.js';
import { formatHostPort } from '../internal/host-port.js';
import { canonicalHost } from '../cert/name-match.js';

/** A canonical host and a port. */
export interface HostEndpoint {
  /** Canonical: an IP address in its RFC 5952 form, or a DNS name in lower case A-labels without a trailing dot. */
  host: string;
  /** 1 to 65535. */
  port: number;
}

/**
 * The canonical form of a dialed host, so that every spelling of one host is one known-hosts key:
 * an IP address as certificate matching writes it (IPv6 compressed and lower case, `[…]` brackets
 * removed: `0:0:0:0:0:0:0:1` → `::1`), a DNS name as certificate matching compares it (lower case
 * A-labels, one trailing dot removed: `Desk.LOCAL.` → `desk.local`). A host that is neither (say a
 * name with an underscore from /etc/hosts) is only trimmed, lower-cased and stripped of brackets and
 * a trailing dot.
 *
 * @example
 * ```ts
 * canonicalKnownHost('0:0:0:0:0:0:0:1');   // '::1'
 * canonicalKnownHost('Desk.LOCAL.');       // 'desk.local'
 * ```
 * @returns the canonical host ('' when nothing is left)
 */
export function canonicalKnownHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return canonicalHost(bare)?.value ?? bare.replace(/\.$/, '');
}

/**
 * Canonicalises a dialed host ({@link canonicalKnownHost}) and checks the port (1 to 65535).
 *
 * @example
 * ```ts
 * checkEndpoint(' Listener-Name.local. ', 4433);   // { host: 'listener-name.local', port: 4433 }
 * checkEndpoint('[0:0:0:0:0:0:0:1]', 4433);        // { host: '::1', port: 4433 }
 * ```
 * @throws ConfigError INVALID_OPTION
 */
export function checkEndpoint(host: unknown, port: unknown): HostEndpoint {
  const name = canonicalKnownHost(nonEmptyString('host', host));
  if (name.length === 0) throw new ConfigError('INVALID_OPTION', `host: expected a host name or address; found ${describe(host)}`);
  return { host: name, port: integerIn('port', port, 1, 65535) };
}

/**
 * `host:port` for messages, IPv6 addresses in brackets; just the host when `port` is undefined.
 *
 * @example
 * ```ts
 * formatEndpoint('::1', 4433);          // '[::1]:4433'
 * formatEndpoint('printer.local', undefined);   // 'printer.local'
 * ```
 */
export function formatEndpoint(host: string, port: number | undefined): string {
  return port === undefined ? (host.includes(':') ? `[${host}]` : host) : formatHostPort(host, port);
}
