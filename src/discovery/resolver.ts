/**
 * The resolver the transport uses by default: `.local` names by this library's mDNS query,
 * everything else by the system (`dns.lookup`). It only decides which addresses to dial; the
 * certificate is still verified against the dialled name.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isLocalName } from './local-name.js';
import { resolveLocal, type ResolveLocalOptions } from './resolve.js';

/**
 * Returns a resolver `(host) => Promise<{ address, family }[]>` (the shape `connect({ lookup })`
 * accepts): `.local` names by {@link resolveLocal} with `options`, IP literals as they are,
 * other names by `dns.lookup(host, { all: true, verbatim: true })`.
 *
 * @param options resolveLocal defaults (timeout 3000 ms, retry after 1000 ms, every interface).
 * @example
 * ```ts
 * const lookup = createResolver({ timeout: 2000, interface: 'eth0' });
 * connect('listener-name.local', 4433, { lookup, trustRoots: [root] });
 * ```
 */
export function createResolver(options: Omit<ResolveLocalOptions, 'signal'> = {}): (host: string) => Promise<{ address: string; family: 4 | 6 }[]> {
  return async (host: string) => {
    const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
    const family = isIP(bare);
    if (family !== 0) return [{ address: bare, family: family as 4 | 6 }];
    if (isLocalName(host)) return (await resolveLocal(host, options)).map(({ address, family }) => ({ address, family }));
    return (await dnsLookup(host, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family as 4 | 6 }));
  };
}

/**
 * The default resolver: `.local` by mDNS (3 s, one retry), other names by the system.
 *
 * @example
 * ```ts
 * await localResolver('listener-name.local'); // [{ address: '192.168.1.20', family: 4 }, ...]
 * ```
 */
export const localResolver: (host: string) => Promise<{ address: string; family: 4 | 6 }[]> = createResolver();
