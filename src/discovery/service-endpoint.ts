/**
 * Turning a browsed service into a connection target (Apple's NWEndpoint.service): dial its
 * host name (so the certificate is checked against that name) and, when it advertised `pk=`,
 * also require the leaf's SPKI SHA-256 to match. The pin only narrows what is accepted: an mDNS
 * TXT record is unauthenticated, so it never replaces chain and name verification.
 */
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';
import { checkPins } from '../trust/pinning.js';
import type { TlsVerifyContext, TlsVerifyHook } from '../tls/verify-context.js';
import type { TrustResult } from '../trust/result.js';
import type { DiscoveredService } from './browse.js';

/**
 * True when `value` looks like a {@link DiscoveredService} (host, port, name, type).
 * @example `if (isDiscoveredService(target)) ({ host, port } = target);`
 */
export function isDiscoveredService(value: unknown): value is DiscoveredService {
  const v = value as Partial<DiscoveredService> | null;
  return typeof v === 'object' && v !== null && typeof v.host === 'string' && typeof v.port === 'number' && typeof v.name === 'string' && typeof v.type === 'string';
}

/**
 * A verify hook for a discovered service: the leaf's SPKI SHA-256 must equal `service.pin`
 * (PIN_MISMATCH otherwise), and then `inner` decides, or by default the connection's normal
 * policy (`ctx.evaluate()`: chain to the trust roots, validity, the dialled name in the SAN).
 * Without a pin it is `inner` (or the default policy) alone.
 *
 * @example
 * ```ts
 * connect(service.host, service.port, { trustRoots: [root], verify: servicePinVerifier(service) });
 * ```
 */
export function servicePinVerifier(service: DiscoveredService, inner?: TlsVerifyHook): TlsVerifyHook {
  if (!isDiscoveredService(service)) throw new ConfigError('INVALID_OPTION', `service: expected a service found by browse(); found ${describe(service)}`);
  const pin = service.pin;
  return async (ctx: TlsVerifyContext): Promise<boolean | TrustResult> => {
    if (pin) {
      const leaf = ctx.peerCertificates[0];
      const pinned = checkPins(leaf ? [leaf] : [], [pin]);
      if (!pinned.trusted) return pinned;
    }
    return inner ? inner(ctx) : ctx.evaluate();
  };
}

/**
 * The arguments for `connect(host, port, options)` that dial a discovered service: its SRV host
 * and port, and (unless `pin: false`) a verify hook that also requires its advertised `pk`.
 *
 * @param options connect options; `pin` (default true) is removed from them.
 * @example
 * ```ts
 * const { host, port, options } = serviceConnectArgs(service, { trustRoots: [root] });
 * connect(host, port, options);
 * ```
 */
export function serviceConnectArgs<O extends object>(service: DiscoveredService, options?: O & { pin?: boolean; verify?: TlsVerifyHook }): { host: string; port: number; options: Omit<O, 'pin'> & { verify?: TlsVerifyHook } } {
  if (!isDiscoveredService(service)) throw new ConfigError('INVALID_OPTION', `connect(service): expected a service found by browse(); found ${describe(service)}`);
  const { pin = true, ...rest } = (options ?? {}) as O & { pin?: boolean; verify?: TlsVerifyHook };
  if (typeof pin !== 'boolean') throw new ConfigError('INVALID_OPTION', `pin: expected true or false; found ${describe(pin)}`);
  const connectOptions = { ...rest } as Omit<O, 'pin'> & { verify?: TlsVerifyHook };
  if (pin && service.pin) connectOptions.verify = servicePinVerifier(service, rest.verify);
  return { host: service.host, port: service.port, options: connectOptions };
}
