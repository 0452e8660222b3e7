/** The host and port an HTTP client dials, from its URL parts; only https is accepted. */
import { ConfigError } from '../errors.js';

/**
 * `[host, port]` for `https:` URL parts (brackets of an IPv6 literal removed, default port 443).
 * @throws ConfigError INVALID_OPTION for any other protocol: plain HTTP cannot be verified.
 * @example `httpsOrigin('https:', '[::1]', '8443') // ['::1', 8443]`
 */
export function httpsOrigin(protocol: string | undefined, hostname: string, port: string | number | null | undefined): [string, number] {
  if (protocol !== undefined && protocol !== 'https:' && protocol !== 'wss:') {
    throw new ConfigError('INVALID_OPTION', `a localtls HTTP client only speaks https: (verified TLS); found a ${protocol} URL for ${hostname}`, { hint: `use https://${hostname}${port ? `:${port}` : ''}/...` });
  }
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const number = port === undefined || port === null || port === '' ? 443 : Number(port);
  return [host, number];
}
