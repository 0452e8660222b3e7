/**
 * A `lookup` function with Node's `dns.lookup` signature, for `net.connect`/`tls.connect` and
 * localtls' `connect({ lookup })`: `.local` names go to {@link resolveLocal}, all others to
 * `dns.lookup`.
 */
import dns from 'node:dns';
import { isIP } from 'node:net';
import { isLocalName } from './local-name.js';
import { resolveLocal, type ResolveLocalOptions } from './resolve.js';

/** One address as `dns.lookup` with `all: true` reports it. */
export interface LookupAddress {
  address: string;
  family: number;
}

/** The options Node passes to a `lookup` function (a family number is accepted too). */
export type LookupOptions = number | { family?: number | string; all?: boolean; hints?: number; verbatim?: boolean; order?: string } | undefined;

/** Callback of a `lookup` function: a single address, or an array when `all: true` was asked. */
export type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A function with the signature of `dns.lookup`, as accepted by `net.connect({ lookup })`. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * Builds a lookup function. `.local` names are resolved by mDNS with `options`; every address
 * found is returned when Node asks for all (Node 20+ does, to try each in turn), otherwise the
 * first of the requested family. Other names go to `dns.lookup` unchanged.
 *
 * Errors are LocalTlsErrors (`HOST_NOT_FOUND`, `CANCELLED`) and also carry `errno`/`syscall`
 * like Node's own lookup errors.
 *
 * @param options defaults of {@link resolveLocal} (timeout 3000 ms, one retry after 1000 ms).
 * @example
 * ```ts
 * import tls from 'node:tls';
 * const lookup = createLookup({ timeout: 2000 });
 * tls.connect({ host: 'listener-name.local', servername: 'listener-name.local', port: 4433, lookup, ca });
 * ```
 */
export function createLookup(options: Omit<ResolveLocalOptions, 'family' | 'signal'> = {}): LookupFunction {
  return function localtlsLookup(hostname, lookupOptions, callback) {
    if (typeof lookupOptions === 'function') {
      callback = lookupOptions as LookupCallback;
      lookupOptions = undefined;
    }
    const opts = typeof lookupOptions === 'number' ? { family: lookupOptions } : lookupOptions ?? {};
    const family = opts.family === 'IPv4' ? 4 : opts.family === 'IPv6' ? 6 : Number(opts.family ?? 0) || 0;
    if (!isLocalName(hostname) || isIP(hostname)) {
      dns.lookup(hostname, opts as dns.LookupAllOptions, callback as never);
      return;
    }
    resolveLocal(hostname, { ...options, family: family === 4 || family === 6 ? family : 0 }).then(
      (found) => {
        if (opts.all) callback(null, found.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, found[0]!.address, found[0]!.family);
      },
      (err: NodeJS.ErrnoException) => {
        err.errno ??= -3008; // ENOTFOUND's number on Linux, as dns.lookup reports it
        err.syscall ??= 'getaddrinfo';
        (err as { hostname?: string }).hostname = hostname;
        callback(err, opts.all ? [] : '', undefined);
      },
    );
  };
}

/**
 * The default lookup: `.local` names by mDNS (3 s timeout, one retry), others by `dns.lookup`.
 *
 * @example
 * ```ts
 * net.connect({ host: 'printer.local', port: 9100, lookup });
 * ```
 */
export const lookup: LookupFunction = createLookup();
