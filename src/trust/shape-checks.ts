/**
 * Certificate-shape rules: what RFC 5280 requires of every certificate (both policies) and what the
 * CA/Browser Forum Baseline Requirements add for TLS (the `ssl` policy). Each rule adds one finding
 * that names the rule and the fix; none stops the others.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import type { Certificate } from '../cert/certificate.js';
import { certLabel } from './describe.js';
import type { ResolvedPolicy } from './policy.js';
import type { TrustFinding } from './result.js';

const OID = {
  aki: '2.5.29.35', ski: '2.5.29.14', basicConstraints: '2.5.29.19', nameConstraints: '2.5.29.30',
  san: '2.5.29.17', eku: '2.5.29.37', aia: '1.3.6.1.5.5.7.1.1',
};
const EMPTY_NAME_DER_LENGTH = 2; // SEQUENCE {}

/** Where a certificate sits in the path being checked. */
export interface ShapePosition { index: number; isAnchor: boolean; policy: ResolvedPolicy }

type Finding = (code: TrustFinding['code'], message: string) => void;

function extension(cert: Certificate, oid: string) {
  return cert.extensions.find((e) => e.oid === oid);
}

function serialRules(cert: Certificate, add: Finding): void {
  const bytes = cert.serialBytes;
  if (bytes.length > 20 || (bytes.length > 21 && bytes[0] === 0)) add('MALFORMED', `${certLabel(cert)} has a serial number of ${bytes.length} octets; RFC 5280 §4.1.2.2 allows at most 20 — reissue it with a random 16-byte serial`);
  else if ((bytes[0] ?? 0) & 0x80) add('MALFORMED', `${certLabel(cert)} has a negative serial number; RFC 5280 §4.1.2.2 requires a positive one — reissue it`);
  else if (bytes.every((b) => b === 0)) add('MALFORMED', `${certLabel(cert)} has serial number 0; RFC 5280 §4.1.2.2 requires a positive one — reissue it`);
}

function keyIdentifierRules(cert: Certificate, pos: ShapePosition, add: Finding): void {
  const aki = extension(cert, OID.aki);
  const ski = extension(cert, OID.ski);
  if (aki?.critical) add('MALFORMED', `${certLabel(cert)} marks authorityKeyIdentifier critical; RFC 5280 §4.2.1.1 requires it non-critical — reissue it`);
  if (ski?.critical) add('MALFORMED', `${certLabel(cert)} marks subjectKeyIdentifier critical; RFC 5280 §4.2.1.2 requires it non-critical — reissue it`);
  if (!aki && !cert.isSelfSigned && !pos.isAnchor) add('MALFORMED', `${certLabel(cert)} has no authorityKeyIdentifier; RFC 5280 §4.2.1.1 requires one in every certificate not self-signed — reissue it from a CA that writes it`);
  if (!ski && cert.isCA) add('MALFORMED', `${certLabel(cert)} is a CA without subjectKeyIdentifier; RFC 5280 §4.2.1.2 requires one — reissue the CA with it`);
  if (aki && cert.isSelfSigned && pos.policy.kind === 'ssl') {
    try {
      const parsed = AsnConvert.parse(aki.value, asnX509.AuthorityKeyIdentifier);
      const keyId = parsed.keyIdentifier ? Buffer.from(parsed.keyIdentifier.buffer).toString('hex') : undefined;
      if (!keyId || parsed.authorityCertIssuer || parsed.authorityCertSerialNumber || (cert.subjectKeyIdentifier && keyId !== cert.subjectKeyIdentifier.replace(/:/g, '').toLowerCase())) {
        add('MALFORMED', `${certLabel(cert)} is self-signed with an authorityKeyIdentifier that is not just its own key identifier (Baseline Requirements §7.1.2.1) — reissue the root with keyIdentifier only, equal to its subjectKeyIdentifier`);
      }
    } catch {
      add('MALFORMED', `${certLabel(cert)} has an authorityKeyIdentifier that does not decode — reissue it`);
    }
  }
}

function caRules(cert: Certificate, pos: ShapePosition, add: Finding): void {
  const bc = extension(cert, OID.basicConstraints);
  if (pos.index > 0 && pos.isAnchor && (!bc || !bc.critical)) {
    add('NOT_A_CA', `trust anchor ${certLabel(cert)} has ${bc ? 'a non-critical' : 'no'} basicConstraints; RFC 5280 §4.2.1.9 requires a critical cA=true in a CA certificate — reissue the root`);
  }
  if (cert.isCA && cert.subjectDer.length <= EMPTY_NAME_DER_LENGTH) {
    add('MALFORMED', `${certLabel(cert)} is a CA with an empty subject; RFC 5280 §4.1.2.6 requires a CA to have a name — reissue it with a subject`);
  }
}

function leafRules(cert: Certificate, pos: ShapePosition, add: Finding): void {
  if (pos.index !== 0) {
    const eku = extension(cert, OID.eku);
    if (eku && pos.isAnchor && pos.policy.kind === 'ssl') add('BAD_EXTENDED_KEY_USAGE', `trust anchor ${certLabel(cert)} has an extendedKeyUsage; the Baseline Requirements §7.1.2.1 forbid it in a root — use a root without it`);
    return;
  }
  if (cert.keyUsage?.includes('keyCertSign') && !cert.isCA) add('BAD_KEY_USAGE', `certificate has keyUsage keyCertSign but is not a CA; RFC 5280 §4.2.1.3 allows keyCertSign only with cA=true — reissue it without keyCertSign`);
  if (extension(cert, OID.nameConstraints)) add('NAME_CONSTRAINTS', `certificate is not a CA but has nameConstraints; RFC 5280 §4.2.1.10 allows them only in CA certificates — reissue it without`);
  if (pos.policy.kind !== 'ssl') return;
  if (cert.isCA && !pos.isAnchor) add('NOT_A_CA', `certificate is a CA (basicConstraints cA=true) presented as a TLS leaf; the Baseline Requirements §7.1.2.7 require cA=false — issue a leaf certificate for the server`);
  const eku = extension(cert, OID.eku);
  if (eku?.critical) add('BAD_EXTENDED_KEY_USAGE', `certificate marks extendedKeyUsage critical; the Baseline Requirements §7.1.2.7.10 require it non-critical — reissue it`);
  if (cert.extendedKeyUsage?.includes('anyExtendedKeyUsage')) add('BAD_EXTENDED_KEY_USAGE', `certificate has anyExtendedKeyUsage; the Baseline Requirements §7.1.2.7.10 forbid it in a TLS leaf — reissue it with serverAuth/clientAuth only`);
  if (cert.version !== 3) add('MALFORMED', `certificate is X.509 version ${cert.version}; TLS certificates must be version 3 (Baseline Requirements §7.1.1) — reissue it`);
  const cn = cert.commonName;
  // A CN that is a label such as 'Front Desk' claims no name; one that looks like a host name or
  // address must be one of the SANs, written the same way.
  if (cn !== undefined && /^[^\s]*[.:][^\s]*$/.test(cn) && cert.subjectAltNames.length > 0 && !cert.subjectAltNames.some((san) => san.value === cn)) {
    add('HOSTNAME_MISMATCH', `certificate's common name '${cn}' is not written exactly as one of its subjectAltName values (lowercase names, RFC 5952 addresses), as the Baseline Requirements §7.1.4.3 require — reissue it with the CN equal to a SAN (or no CN)`);
  }
}

function extensionRules(cert: Certificate, pos: ShapePosition, add: Finding): void {
  const nc = extension(cert, OID.nameConstraints);
  if (nc && !nc.critical) add('NAME_CONSTRAINTS', `${certLabel(cert)} marks nameConstraints non-critical; RFC 5280 §4.2.1.10 requires it critical — reissue the CA`);
  if (nc && cert.nameConstraints && cert.nameConstraints.permitted.length === 0 && cert.nameConstraints.excluded.length === 0) {
    add('NAME_CONSTRAINTS', `${certLabel(cert)} has nameConstraints with neither permitted nor excluded subtrees; RFC 5280 §4.2.1.10 requires at least one — reissue the CA`);
  }
  const aia = extension(cert, OID.aia);
  if (aia?.critical) add('MALFORMED', `${certLabel(cert)} marks authorityInfoAccess critical; RFC 5280 §4.2.2.1 requires it non-critical — reissue it`);
  if (aia) {
    try { AsnConvert.parse(aia.value, asnX509.AuthorityInfoAccessSyntax); } catch { add('MALFORMED', `${certLabel(cert)} has an authorityInfoAccess extension that does not decode — reissue it`); }
  }
  const san = extension(cert, OID.san);
  const emptySubject = cert.subjectDer.length <= EMPTY_NAME_DER_LENGTH;
  if (san && emptySubject && !san.critical) add('MALFORMED', `${certLabel(cert)} has an empty subject and a non-critical subjectAltName; RFC 5280 §4.2.1.6 requires it critical then — reissue it`);
  if (san && !emptySubject && san.critical && pos.policy.kind === 'ssl') add('MALFORMED', `${certLabel(cert)} has a subject and a critical subjectAltName; the Baseline Requirements §7.1.2.7.12 require it non-critical then — reissue it`);
}

/**
 * Adds the shape findings of one certificate of a path.
 *
 * @example
 * ```ts
 * const out: TrustFinding[] = [];
 * shapeChecks(leaf, { index: 0, isAnchor: false, policy: resolvePolicy(undefined) }, out);
 * ```
 */
export function shapeChecks(cert: Certificate, pos: ShapePosition, out: TrustFinding[]): void {
  const add: Finding = (code, message) => out.push({ code, certificateIndex: pos.index, message });
  if (!pos.isAnchor || pos.index === 0) serialRules(cert, add);
  keyIdentifierRules(cert, pos, add);
  caRules(cert, pos, add);
  leafRules(cert, pos, add);
  extensionRules(cert, pos, add);
}
