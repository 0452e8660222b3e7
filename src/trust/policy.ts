/**
 * Trust policies: what an evaluation checks beyond the chain itself.
 * Mirrors Apple's SecPolicyCreateBasicX509 and SecPolicyCreateSSL.
 */
import { ConfigError } from '../errors.js';
import { describe, knownKeys } from '../internal/options.js';

/**
 * Basic X.509 policy (Apple's `SecPolicyCreateBasicX509`): chain to an anchor, signatures, dates,
 * CA constraints, key usage of issuers, name constraints, critical extensions, weak algorithms.
 * No hostname and no extended key usage. Use it in a verify hook when a peer was dialed by an
 * address its certificate does not list.
 *
 * @example
 * ```ts
 * await evaluateTrust(chain, { anchors: [root], policy: { kind: 'basicX509' } });
 * ```
 */
export interface BasicX509Policy {
  kind: 'basicX509';
}

/**
 * SSL/TLS policy (Apple's `SecPolicyCreateSSL(server, hostname)`): everything in
 * {@link BasicX509Policy}, plus RFC 6125 matching of `hostname` against subjectAltName only,
 * the serverAuth (or clientAuth when `server: false`) extended key usage in the leaf, a leaf key
 * usage fit for TLS, and RSA keys of at least 2048 bits.
 *
 * - `hostname`: the name or IP address that was dialed. Required when `server` is true (the
 *   default); optional when checking a client certificate (`server: false`).
 * - `server`: default `true` (the peer is a server). `false` checks a TLS client certificate.
 *
 * @example
 * ```ts
 * await evaluateTrust(chain, { anchors: [root], policy: { kind: 'ssl', hostname: 'listener-name.local' } });
 * await evaluateTrust(clientChain, { anchors: [root], policy: { kind: 'ssl', server: false } });
 * ```
 */
export interface SslPolicy {
  kind: 'ssl';
  hostname?: string;
  server?: boolean;
}

/** Any trust policy. Default everywhere: `{ kind: 'basicX509' }`. @example `const p: TrustPolicy = { kind: 'ssl', hostname: '192.168.1.20' }` */
export type TrustPolicy = BasicX509Policy | SslPolicy;

/** A validated policy with defaults filled in (internal shape, also returned on results). */
export interface ResolvedPolicy {
  kind: 'basicX509' | 'ssl';
  hostname: string | undefined;
  server: boolean;
  /** A stable string that identifies the policy (used in cache keys). */
  key: string;
}

const BASIC: ResolvedPolicy = Object.freeze({ kind: 'basicX509', hostname: undefined, server: true, key: 'basicX509' });

/**
 * Validates a policy option and fills in defaults.
 * @throws ConfigError INVALID_OPTION naming the accepted values.
 * @example `resolvePolicy({ kind: 'ssl', hostname: 'a.local' }).server // true`
 */
export function resolvePolicy(policy: unknown, name = 'policy'): ResolvedPolicy {
  if (policy === undefined) return BASIC;
  // A frozen policy object cannot change: resolved once (connect() and the listener pass one per connection).
  const known = typeof policy === 'object' && policy !== null ? frozenPolicies.get(policy) : undefined;
  if (known !== undefined) return known;
  const resolved = resolveFreshPolicy(policy, name);
  // Frozen data properties only: a getter on a frozen object can still answer differently each time.
  if (Object.isFrozen(policy) && Object.values(Object.getOwnPropertyDescriptors(policy)).every((d) => 'value' in d)) frozenPolicies.set(policy as object, resolved);
  return resolved;
}

const frozenPolicies = new WeakMap<object, ResolvedPolicy>();

/**
 * True for undefined and for a policy object resolvePolicy has seen to be frozen data (so it can
 * never resolve differently). @example `isImmutablePolicy(Object.freeze({ kind: 'basicX509' }))`
 */
export function isImmutablePolicy(policy: unknown): boolean {
  return policy === undefined || (typeof policy === 'object' && policy !== null && frozenPolicies.has(policy));
}

function resolveFreshPolicy(policy: unknown, name: string): ResolvedPolicy {
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new ConfigError('INVALID_OPTION', `${name}: expected { kind: 'basicX509' } or { kind: 'ssl', hostname }; found ${describe(policy)}`);
  }
  const p = policy as Record<string, unknown>;
  if (p.kind === 'basicX509') {
    knownKeys(name, p, ['kind']);
    return BASIC;
  }
  if (p.kind !== 'ssl') {
    throw new ConfigError('INVALID_OPTION', `${name}.kind: expected one of 'basicX509', 'ssl'; found ${describe(p.kind)}`);
  }
  knownKeys(name, p, ['kind', 'hostname', 'server']);
  if (p.server !== undefined && typeof p.server !== 'boolean') {
    throw new ConfigError('INVALID_OPTION', `${name}.server: expected true or false; found ${describe(p.server)}`);
  }
  const server = p.server !== false;
  if (p.hostname !== undefined && (typeof p.hostname !== 'string' || p.hostname.length === 0)) {
    throw new ConfigError('INVALID_OPTION', `${name}.hostname: expected the DNS name or IP address that was dialed; found ${describe(p.hostname)}`);
  }
  if (server && p.hostname === undefined) {
    throw new ConfigError('INVALID_OPTION', `${name}.hostname: expected the DNS name or IP address that was dialed (required for a server policy); found undefined`, {
      hint: "pass { kind: 'ssl', hostname }, or use { kind: 'basicX509' } to skip the name check",
    });
  }
  const hostname = p.hostname as string | undefined;
  return Object.freeze({ kind: 'ssl', hostname, server, key: `ssl|${server ? 'server' : 'client'}|${hostname ?? ''}` });
}
