/**
 * Name resolution for `connect`. The name used for SNI and verification is always the dialed host;
 * resolution only decides which addresses to try. A custom `lookup` lets tests and apps map names
 * (for example listener-name.local → 127.0.0.1) without touching the system resolver.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ConnectionError } from '../errors.js';

/** One resolved address. */
export interface ResolvedAddress {
  address: string;
  /** 4 or 6 (derived from `address` when omitted). */
  family?: 4 | 6;
}

/**
 * A resolver: given the dialed host, the addresses to try, in order. May return one address, a
 * list of strings, or `{ address, family }` objects (the shape `dns.lookup(host, { all: true })`
 * gives, which is what Node 20's net layer hands a custom lookup), synchronously or as a promise.
 *
 * @example
 * ```ts
 * const lookup: Resolver = (host) => host === 'listener-name.local' ? ['127.0.0.1'] : [];
 * connect('listener-name.local', 4433, { lookup, trustRoots: [root] });
 * ```
 */
export type Resolver = (host: string) => string | readonly (string | ResolvedAddress)[] | ResolvedAddress | Promise<string | readonly (string | ResolvedAddress)[] | ResolvedAddress>;

/** The default resolver: the system's `dns.lookup(host, { all: true })`. @example `await systemResolver('localhost')` */
export const systemResolver: Resolver = async (host) => await dnsLookup(host, { all: true, verbatim: true }) as ResolvedAddress[];

/** An IP literal without brackets, or undefined. */
function ipLiteral(host: string): string | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? bare : undefined;
}

/**
 * The one address to dial when `host` is an IP literal (brackets allowed), without a resolver or a
 * promise turn; undefined for a name.
 * @example `literalAddresses('[::1]') // [{ address: '::1', family: 6 }]`
 */
export function literalAddresses(host: string): { address: string; family: 4 | 6 }[] | undefined {
  const literal = ipLiteral(host);
  return literal ? [{ address: literal, family: isIP(literal) as 4 | 6 }] : undefined;
}

/**
 * The addresses to dial for `host`: the literal itself for an IP, else the resolver's answer
 * (de-duplicated, validated). Rejects with HOST_NOT_FOUND when there is none.
 *
 * @example `await resolveHost('listener-name.local', (h) => ['127.0.0.1']) // [{ address: '127.0.0.1', family: 4 }]`
 */
export async function resolveHost(host: string, resolver: Resolver = systemResolver): Promise<{ address: string; family: 4 | 6 }[]> {
  const literal = literalAddresses(host);
  if (literal) return literal;
  let answer: Awaited<ReturnType<Resolver>>;
  try {
    answer = await resolver(host);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException)?.code;
    throw new ConnectionError('HOST_NOT_FOUND', `could not resolve '${host}'${code ? ` (${code})` : ''}`, {
      cause, hint: host.endsWith('.local') ? '.local names need mDNS (avahi/nss-mdns, or localtls discovery); or pass a lookup option' : 'check the name, or pass a lookup option', details: { nodeCode: code },
    });
  }
  const list = (Array.isArray(answer) ? answer : [answer]) as (string | ResolvedAddress)[];
  const out: { address: string; family: 4 | 6 }[] = [];
  const seen = new Set<string>();
  for (const item of list) {
    const address = typeof item === 'string' ? item : item?.address;
    const family = typeof address === 'string' ? isIP(address) : 0;
    if (family === 0 || seen.has(address!)) continue;
    seen.add(address!);
    out.push({ address: address!, family: family as 4 | 6 });
  }
  if (out.length === 0) {
    throw new ConnectionError('HOST_NOT_FOUND', `'${host}' resolved to no usable address`, {
      hint: host.endsWith('.local') ? '.local names need mDNS (avahi/nss-mdns, or localtls discovery); or pass a lookup option' : 'check the name, or pass a lookup option',
    });
  }
  return out;
}

/**
 * Adapts a {@link Resolver} to node:net's callback `lookup` option, honouring `{ all: true }`
 * (which Node 20 passes when autoSelectFamily is on) as well as the single-address form.
 *
 * @example `net.connect({ host: 'listener-name.local', port, lookup: toNodeLookup(myResolver) })`
 */
export function toNodeLookup(resolver: Resolver) {
  return (hostname: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void): void => {
    resolveHost(hostname, resolver).then(
      (addresses) => (typeof options === 'object' && options?.all) ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family),
      (error: unknown) => callback(Object.assign(new Error((error as Error).message, { cause: error }), { code: 'ENOTFOUND' })),
    );
  };
}
