/**
 * RFC 5280 §4.2.1.10 name constraints, applied by a CA to the names of the certificates below it:
 * DNS names and IP addresses from subjectAltName, email addresses (subjectAltName rfc822Name and
 * the subject's emailAddress attributes), URIs (their host), and directory names (the subject).
 * Follows Go's crypto/x509 where RFC 5280 leaves room: a DNS constraint "example.local" covers the
 * name and its subdomains, ".example.local" only subdomains; a wildcard SAN is refused when any name
 * it could stand for is excluded; a constraint form localtls cannot check fails closed.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import type { Certificate } from '../cert/certificate.js';
import type { NameConstraints, NameSubtree } from '../cert/general-names.js';
import { isInvalidName } from '../cert/host-name.js';
import { ipInNetwork, parseIpAddress } from '../cert/ip-address.js';

const EMAIL_ADDRESS_OID = '1.2.840.113549.1.9.1';

/** True when DNS `name` (lowercase, maybe `*.`-wildcard) lies within the constraint. */
export function dnsWithin(name: string, constraint: string): boolean {
  const c = constraint.toLowerCase().replace(/\.$/, '');
  const n = name.toLowerCase().replace(/\.$/, '');
  if (c === '' || c === '.') return true;
  if (c.startsWith('.')) return n.endsWith(c) && n.length > c.length;
  return n === c || n.endsWith(`.${c}`);
}

/** True when some name a wildcard `*.rest` stands for lies within the constraint (for exclusions). */
function wildcardMayMatch(name: string, constraint: string): boolean {
  if (dnsWithin(name, constraint)) return true;
  const rest = name.slice(2);
  const c = constraint.toLowerCase().replace(/\.$/, '');
  if (c.startsWith('.')) return false;
  return c.endsWith(`.${rest}`) && !c.slice(0, -(rest.length + 1)).includes('.');
}

/** True when the email address lies within the constraint (mailbox, host, or .domain). */
export function emailWithin(email: string, constraint: string): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0) return false;
  const local = email.slice(0, at);
  const host = email.slice(at + 1).toLowerCase();
  const cAt = constraint.lastIndexOf('@');
  if (cAt >= 0) return local === constraint.slice(0, cAt) && host === constraint.slice(cAt + 1).toLowerCase();
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return host.endsWith(c) && host.length > c.length;
  return host === c;
}

/** The host of a URI for constraint checks, or undefined when it has none or it is an IP literal. */
function uriHost(uri: string): string | undefined {
  try {
    const host = new URL(uri).hostname.toLowerCase();
    if (!host || host.startsWith('[') || parseIpAddress(host)) return undefined;
    return host;
  } catch {
    return undefined;
  }
}

/** True when the URI's host lies within the constraint (exact host, or .domain for subdomains). */
export function uriWithin(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (!host) return false;
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return host.endsWith(c) && host.length > c.length;
  return host === c;
}

type Rdn = string[]; // normalised "oid=value" strings, sorted

const rdnCache = new WeakMap<Uint8Array, Rdn[]>();

function rdnsOf(der: Uint8Array): Rdn[] {
  let rdns = rdnCache.get(der);
  if (!rdns) {
    const name = AsnConvert.parse(der, AsnName);
    rdns = [...name].map((rdn) => rdn.map((attr) => `${attr.type}=${attr.value.toString().trim().replace(/\s+/g, ' ').toLowerCase()}`).sort());
    rdnCache.set(der, rdns);
  }
  return rdns;
}

/** True when the directory name `name` is within the subtree `base` (RDN-wise prefix, RFC 5280 §7.1 matching simplified to case-insensitive, space-collapsed values). */
export function directoryWithin(name: Uint8Array, base: Uint8Array): boolean {
  const n = rdnsOf(name);
  const b = rdnsOf(base);
  if (b.length > n.length) return false;
  return b.every((rdn, i) => rdn.length === n[i]!.length && rdn.every((attr, j) => attr === n[i]![j]));
}

function subjectEmails(cert: Certificate): string[] {
  if (!cert.subject.includes('emailAddress=') && !cert.subject.includes(EMAIL_ADDRESS_OID)) return [];
  const name = AsnConvert.parse(cert.subjectDer, AsnName);
  const out: string[] = [];
  for (const rdn of name) for (const attr of rdn) if (attr.type === EMAIL_ADDRESS_OID) out.push(attr.value.toString());
  return out;
}

const SAN_OID = '2.5.29.17';

function hasOtherNameForms(cert: Certificate): boolean {
  const san = cert.extensions.find((e) => e.oid === SAN_OID);
  if (!san) return false;
  try {
    return [...AsnConvert.parse(san.value, SubjectAlternativeName)].some((n) => n.otherName !== undefined || n.registeredID !== undefined || n.x400Address !== undefined || n.ediPartyName !== undefined);
  } catch {
    return true;
  }
}

interface NamedValue { type: 'dns' | 'ip' | 'email' | 'uri' | 'directory'; value: string; der?: Uint8Array }

function namesOf(cert: Certificate): NamedValue[] {
  const names: NamedValue[] = cert.subjectAltNames.map((san) => ({ type: san.type, value: san.value }));
  for (const email of subjectEmails(cert)) names.push({ type: 'email', value: email });
  if (cert.subjectDer.length > 2) names.push({ type: 'directory', value: cert.subject, der: cert.subjectDer });
  return names;
}

function within(name: NamedValue, subtree: NameSubtree, forExclusion: boolean): boolean {
  switch (name.type) {
    case 'dns':
      return forExclusion && name.value.startsWith('*.') ? wildcardMayMatch(name.value, subtree.value) : dnsWithin(name.value, subtree.value);
    case 'ip': {
      const address = parseIpAddress(name.value);
      return !!address && !!subtree.network && !!subtree.mask && ipInNetwork(address, subtree.network, subtree.mask);
    }
    case 'email':
      return emailWithin(name.value, subtree.value);
    case 'uri':
      return uriWithin(name.value, subtree.value);
    case 'directory':
      return !!subtree.der && directoryWithin(name.der!, subtree.der);
  }
}

/**
 * How many name-against-subtree comparisons checking `cert` under `constraints` can take: every
 * name the certificate carries times every subtree. Evaluation spends these from one total budget
 * ({@link NAME_COMPARISON_BUDGET}) so a chain of many names under many subtrees cannot multiply
 * its cost.
 *
 * @example
 * ```ts
 * nameConstraintCost(leaf, ca.nameConstraints!) // 6: two SANs and the subject name, under two subtrees
 * ```
 */
export function nameConstraintCost(cert: Certificate, constraints: NameConstraints): number {
  return namesOf(cert).length * (constraints.permitted.length + constraints.excluded.length);
}

/**
 * The total name-constraint comparisons one evaluation may spend (the figure Go's crypto/x509
 * uses): far above any real LAN chain (a few names under a few subtrees), far below what a crafted
 * chain of thousands of names and subtrees would cost.
 */
export const NAME_COMPARISON_BUDGET = 250_000;

const TYPE_WORDS: Record<NamedValue['type'], string> = { dns: 'DNS name', ip: 'IP address', email: 'email address', uri: 'URI', directory: 'directory name' };

/**
 * The ways `cert`'s names break `constraints` (empty when it complies), as message fragments such
 * as "DNS name evil.test is outside the permitted example.local".
 *
 * @example
 * ```ts
 * nameConstraintViolations(leaf, ca.nameConstraints!) // ['IP address 10.0.0.1 is outside the permitted 192.168.0.0/16']
 * ```
 */
export function nameConstraintViolations(cert: Certificate, constraints: NameConstraints): string[] {
  const problems: string[] = [];
  const all = [...constraints.permitted, ...constraints.excluded];
  // An otherName/registeredID subtree cannot be checked; it matters only to a certificate that has
  // such names (RFC 5280 §4.2.1.10: constraints apply to names of the same form).
  const hasOtherNames = all.some((s) => s.type === 'other') && hasOtherNameForms(cert);
  const unusable = all.filter((s) => (s.type === 'other' && hasOtherNames) || s.value.startsWith('invalid:'));
  if (unusable.length > 0) {
    problems.push(`the constraints use a form localtls cannot check (${unusable.map((s) => s.value).join(', ')}), so no name can be shown to comply`);
    return problems;
  }
  for (const name of namesOf(cert)) {
    if (isInvalidName(name.value)) {
      problems.push(`${TYPE_WORDS[name.type]} ${name.value} is not a valid name, so it can never be shown to comply`);
      continue;
    }
    const permitted = constraints.permitted.filter((s) => s.type === name.type);
    if (permitted.length > 0 && !permitted.some((s) => within(name, s, false))) {
      problems.push(`${TYPE_WORDS[name.type]} ${name.value} is outside the permitted ${permitted.map((s) => s.value).join(', ')}`);
    }
    const excluded = constraints.excluded.find((s) => s.type === name.type && within(name, s, true));
    if (excluded) problems.push(`${TYPE_WORDS[name.type]} ${name.value} is inside the excluded ${excluded.value}`);
  }
  return problems;
}
