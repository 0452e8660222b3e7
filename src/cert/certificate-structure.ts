/**
 * A strict, allocation-light reader of the outer X.509 structure (RFC 5280 §4.1): it walks the DER
 * with the TLV reader and slices fields out of the original bytes, leaving only the small extension
 * values to the schema library. Several times faster than decoding the whole certificate through a
 * generic ASN.1 schema, which matters for trust evaluation on every handshake.
 */
import { IdentityError } from '../errors.js';
import { expectSingleSequence, readTlv, type Tlv } from '../internal/der.js';
import { decodeOid, decodeTime } from '../internal/der-values.js';

/** An AlgorithmIdentifier: OID and the raw DER of its parameters (if any). */
export interface RawAlgorithm { oid: string; parameters: Uint8Array | undefined; der: Uint8Array }

/** One extension as it sits in the certificate. */
export interface RawExtension { oid: string; critical: boolean; value: Uint8Array }

/** The certificate's fields, as slices of the original DER. */
export interface CertificateStructure {
  tbs: Uint8Array;
  version: number;
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  spkiAlgorithmOid: string;
  extensions: RawExtension[];
  signatureAlgorithm: RawAlgorithm;
  signature: Uint8Array;
}

function malformed(message: string): IdentityError {
  return new IdentityError('MALFORMED', `certificate: ${message}`);
}

function expectTag(tlv: Tlv, tag: number, what: string): Tlv {
  if (tlv.tag !== tag) throw malformed(`expected ${what} (tag 0x${tag.toString(16)}); found tag 0x${tlv.tag.toString(16)} at byte ${tlv.start}`);
  return tlv;
}

function algorithm(der: Uint8Array, tlv: Tlv): RawAlgorithm {
  expectTag(tlv, 0x30, 'an AlgorithmIdentifier SEQUENCE');
  const oid = expectTag(readTlv(der, tlv.contentStart, 'certificate'), 0x06, 'an algorithm OID');
  const parameters = oid.end < tlv.end ? der.subarray(oid.end, tlv.end) : undefined;
  if (parameters) readTlv(parameters, 0, 'algorithm parameters');
  return { oid: decodeOid(der.subarray(oid.contentStart, oid.end)), parameters, der: der.subarray(tlv.start, tlv.end) };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = parent.contentStart; offset < parent.end;) {
    const child = readTlv(der.subarray(0, parent.end), offset, 'certificate');
    out.push(child);
    offset = child.end;
  }
  return out;
}

function extensionsOf(der: Uint8Array, wrapper: Tlv): RawExtension[] {
  const list = readTlv(der.subarray(0, wrapper.end), wrapper.contentStart, 'certificate');
  expectTag(list, 0x30, 'the Extensions SEQUENCE');
  if (list.end !== wrapper.end) throw malformed('unexpected bytes after the extensions');
  return children(der, list).map((ext) => {
    expectTag(ext, 0x30, 'an Extension SEQUENCE');
    const parts = children(der, ext);
    const oid = expectTag(parts[0] ?? ext, 0x06, 'an extension OID');
    let index = 1;
    let critical = false;
    if (parts[index]?.tag === 0x01) {
      const flag = parts[index]!;
      if (flag.end - flag.contentStart !== 1) throw malformed('a BOOLEAN must be one byte');
      critical = der[flag.contentStart] !== 0;
      index++;
    }
    const value = parts[index];
    if (!value || value.tag !== 0x04 || parts.length !== index + 1) throw malformed(`extension ${decodeOid(der.subarray(oid.contentStart, oid.end))}: expected OID, [critical], OCTET STRING`);
    return { oid: decodeOid(der.subarray(oid.contentStart, oid.end)), critical, value: der.subarray(value.contentStart, value.end) };
  });
}

/**
 * Reads the structure of a DER certificate. Throws IdentityError MALFORMED for anything that is
 * not a well-framed X.509 v1–v3 certificate, including trailing data and mismatched signature
 * algorithms between the TBS and the outer certificate.
 */
export function readCertificateStructure(der: Uint8Array): CertificateStructure {
  const outer = expectSingleSequence(der, 'certificate');
  const top = children(der, outer);
  if (top.length !== 3) throw malformed(`expected tbsCertificate, signatureAlgorithm, signatureValue; found ${top.length} elements`);
  const [tbsTlv, sigAlgTlv, sigTlv] = top as [Tlv, Tlv, Tlv];
  expectTag(tbsTlv, 0x30, 'tbsCertificate SEQUENCE');
  const signatureAlgorithm = algorithm(der, sigAlgTlv);
  expectTag(sigTlv, 0x03, 'the signature BIT STRING');
  if (sigTlv.end - sigTlv.contentStart < 1 || der[sigTlv.contentStart] !== 0) throw malformed('expected a signature BIT STRING with no unused bits');

  const fields = children(der, tbsTlv);
  let i = 0;
  let version = 1;
  if (fields[0]?.tag === 0xa0) {
    const v = expectTag(readTlv(der.subarray(0, fields[0].end), fields[0].contentStart, 'certificate'), 0x02, 'the version INTEGER');
    if (v.end - v.contentStart !== 1 || der[v.contentStart]! > 2) throw malformed('expected version 1, 2 or 3');
    version = der[v.contentStart]! + 1;
    i = 1;
  }
  const need = (what: string) => {
    const field = fields[i++];
    if (!field) throw malformed(`expected ${what}; found the end of tbsCertificate`);
    return field;
  };
  const serial = expectTag(need('the serial number'), 0x02, 'the serial number INTEGER');
  const innerAlgorithm = algorithm(der, need('the signature algorithm'));
  const issuer = expectTag(need('the issuer Name'), 0x30, 'the issuer Name');
  const validity = expectTag(need('the validity'), 0x30, 'the Validity SEQUENCE');
  const subject = expectTag(need('the subject Name'), 0x30, 'the subject Name');
  const spki = expectTag(need('the subject public key'), 0x30, 'the SubjectPublicKeyInfo SEQUENCE');
  if (Buffer.compare(innerAlgorithm.der, signatureAlgorithm.der) !== 0) {
    throw malformed(`expected the same signature algorithm inside and outside tbsCertificate; found ${innerAlgorithm.oid} and ${signatureAlgorithm.oid}`);
  }
  const times = children(der, validity);
  if (times.length !== 2) throw malformed('expected notBefore and notAfter in Validity');
  const spkiParts = children(der, spki);
  if (spkiParts.length !== 2 || spkiParts[1]!.tag !== 0x03) throw malformed('expected AlgorithmIdentifier and BIT STRING in SubjectPublicKeyInfo');
  const spkiAlgorithm = algorithm(der, spkiParts[0]!);

  let extensions: RawExtension[] = [];
  for (; i < fields.length; i++) {
    const field = fields[i]!;
    if (field.tag === 0x81 || field.tag === 0xa1 || field.tag === 0x82 || field.tag === 0xa2) continue; // unique IDs
    if (field.tag === 0xa3 && i === fields.length - 1) { extensions = extensionsOf(der, field); continue; }
    throw malformed(`unexpected field with tag 0x${field.tag.toString(16)} in tbsCertificate`);
  }
  if (extensions.length > 0 && version !== 3) throw malformed(`extensions require version 3; found version ${version}`);

  return {
    tbs: der.subarray(tbsTlv.start, tbsTlv.end),
    version,
    serial: der.subarray(serial.contentStart, serial.end),
    issuer: der.subarray(issuer.start, issuer.end),
    subject: der.subarray(subject.start, subject.end),
    notBefore: decodeTime(der, times[0]!),
    notAfter: decodeTime(der, times[1]!),
    spki: der.subarray(spki.start, spki.end),
    spkiAlgorithmOid: spkiAlgorithm.oid,
    extensions,
    signatureAlgorithm,
    signature: der.subarray(sigTlv.contentStart + 1, sigTlv.end),
  };
}
