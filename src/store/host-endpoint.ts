/**
 * The host:port keys of the known-hosts file: how a dialed host is normalised before it is
 * recorded or looked up, and how an endpoint is printed in messages.
 */
import { ConfigError } from '../errors.js';
import { describe, integerIn, nonEmptyString } from '../internal/options.js';

/** A normalised host and a port. */
export interface HostEndpoint {
  /** Lower case, without brackets or a trailing dot. */
  host: string;
  /** 1 to 65535. */
  port: number;
}

/**
 * Normalises a dialed host (trimmed, lower case, IPv6 brackets and a trailing dot removed) and
 * checks the port (1 to 65535).
 *
 * @example
 * ```ts
 * checkEndpoint(' Listener-Name.local. ', 4433);   // { host: 'listener-name.local', port: 4433 }
 * checkEndpoint('[::1]', 4433);                    // { host: '::1', port: 4433 }
 * ```
 * @throws ConfigError INVALID_OPTION
 */
export function checkEndpoint(host: unknown, port: unknown): HostEndpoint {
  const name = nonEmptyString('host', host).trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
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
  const h = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}
