/**
 * Name constraints for a CA: which names its leaves may carry. The 'local' preset limits a CA to
 * local-network names and private addresses, so a user who installs its root cannot be
 * impersonated for public sites.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';
import { normalizeDnsName } from '../cert/host-name.js';
import { formatIpAddress, ipInNetwork, parseIpAddress } from '../cert/ip-address.js';

/** Permitted (and optionally excluded) DNS suffixes and IP networks in CIDR form. */
export interface NameConstraintsSpec {
  /** Names and networks leaves may use. DNS "local" allows "local" and every name ending in ".local". */
  permitted: { dns?: string[]; ip?: string[] };
  /** Names and networks leaves may never use. */
  excluded?: { dns?: string[]; ip?: string[] };
}

/** The 'local' preset: .local, .home.arpa, .internal, .lan, and private, loopback and link-local addresses. */
export const LOCAL_NAME_CONSTRAINTS: NameConstraintsSpec = Object.freeze({
  permitted: {
    dns: ['local', 'home.arpa', 'internal', 'lan'],
    ip: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '169.254.0.0/16', '::1/128', 'fc00::/7', 'fe80::/10'],
  },
});

interface Network { address: Uint8Array; mask: Uint8Array; text: string }

function parseCidr(text: string): Network {
  const [addressText, prefixText, extra] = String(text).split('/');
  const address = parseIpAddress(addressText ?? '');
  const prefix = Number(prefixText);
  if (!address || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > address.length * 8) {
    throw new ConfigError('INVALID_OPTION', `nameConstraints ip: expected CIDR such as "192.168.0.0/16" or "fc00::/7"; found ${describe(text)}`);
  }
  const mask = new Uint8Array(address.length);
  for (let i = 0; i < mask.length; i++) {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    mask[i] = bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
  }
  const network = address.map((b, i) => b & mask[i]!);
  return { address: network, mask, text: `${formatIpAddress(network)}/${prefix}` };
}

function parseDnsConstraint(text: string): string {
  const name = normalizeDnsName(String(text).replace(/^\./, ''), false);
  if (!name) throw new ConfigError('INVALID_OPTION', `nameConstraints dns: expected a DNS suffix such as "local"; found ${describe(text)}`);
  return name;
}

/** Resolves the `nameConstraints` option ('local' or a spec) into a validated spec. */
export function resolveNameConstraints(value: unknown): NameConstraintsSpec | undefined {
  if (value === undefined) return undefined;
  if (value === 'local') return LOCAL_NAME_CONSTRAINTS;
  if (!value || typeof value !== 'object' || !('permitted' in value)) {
    throw new ConfigError('INVALID_OPTION', `nameConstraints: expected 'local' or { permitted: { dns?, ip? }, excluded? }; found ${describe(value)}`);
  }
  const spec = value as NameConstraintsSpec;
  const check = (part: { dns?: string[]; ip?: string[] } | undefined) => ({
    dns: (part?.dns ?? []).map(parseDnsConstraint),
    ip: (part?.ip ?? []).map((cidr) => parseCidr(cidr).text),
  });
  return { permitted: check(spec.permitted), excluded: check(spec.excluded) };
}

function dnsWithin(name: string, constraint: string): boolean {
  const host = name.startsWith('*.') ? name.slice(2) : name;
  return host === constraint || host.endsWith(`.${constraint}`);
}

/**
 * The reason a SAN is outside the constraints, or undefined when it is allowed.
 * Follows RFC 5280 §4.2.1.10: a type with no permitted subtree is unconstrained.
 */
export function nameConstraintViolation(san: { type: 'dns' | 'ip'; value: string }, spec: NameConstraintsSpec): string | undefined {
  if (san.type === 'dns') {
    if ((spec.excluded?.dns ?? []).some((c) => dnsWithin(san.value, c))) return `${san.value} is in an excluded DNS subtree`;
    const permitted = spec.permitted.dns ?? [];
    if (permitted.length > 0 && !permitted.some((c) => dnsWithin(san.value, c))) {
      return `${san.value} is not under any permitted DNS suffix (${permitted.join(', ')})`;
    }
    return undefined;
  }
  const address = parseIpAddress(san.value)!;
  const inAny = (list: string[] | undefined) => (list ?? []).map(parseCidr).some((n) => ipInNetwork(address, n.address, n.mask));
  if (inAny(spec.excluded?.ip)) return `${san.value} is in an excluded network`;
  const permitted = spec.permitted.ip ?? [];
  const sameFamily = permitted.map(parseCidr).filter((n) => n.address.length === address.length);
  if (permitted.length > 0 && !sameFamily.some((n) => ipInNetwork(address, n.address, n.mask))) {
    return `${san.value} is not in any permitted network (${permitted.join(', ')})`;
  }
  return undefined;
}

/** DER of a NameConstraints extension value. */
export function encodeNameConstraints(spec: NameConstraintsSpec): ArrayBuffer {
  const subtrees = (part: { dns?: string[]; ip?: string[] } | undefined) => {
    const items = [
      ...(part?.dns ?? []).map((dns) => new asnX509.GeneralSubtree({ base: new asnX509.GeneralName({ dNSName: dns }) })),
      ...(part?.ip ?? []).map((cidr) => new asnX509.GeneralSubtree({ base: new asnX509.GeneralName({ iPAddress: parseCidr(cidr).text }) })),
    ];
    return items.length > 0 ? new asnX509.GeneralSubtrees(items) : undefined;
  };
  const permittedSubtrees = subtrees(spec.permitted);
  const excludedSubtrees = subtrees(spec.excluded);
  return AsnConvert.serialize(new asnX509.NameConstraints({
    ...(permittedSubtrees ? { permittedSubtrees } : {}),
    ...(excludedSubtrees ? { excludedSubtrees } : {}),
  }));
}
