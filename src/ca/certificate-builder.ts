/**
 * Builds and signs X.509 v3 certificates: TBSCertificate assembled with @peculiar/asn1-x509,
 * signed with Node's native crypto (ECDSA signatures come out DER-encoded as X.509 wants).
 */
import { createHash, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { Certificate } from '../cert/certificate.js';
import { readTlv } from '../internal/der.js';
import { keyUsageMask } from '../cert/algorithms.js';
import type { PrivateKey } from '../identity/private-key.js';
import type { PrivateKeyAlgorithm } from '../identity/key-algorithm.js';
import type { CertificateProfile } from './certificate-profile.js';
import type { NameConstraintsSpec } from './name-constraints.js';
import { encodeNameConstraints } from './name-constraints.js';

const signAsync = promisify(sign);

const EKU_OIDS = { serverAuth: asnX509.id_kp_serverAuth, clientAuth: asnX509.id_kp_clientAuth };

/** Signature AlgorithmIdentifier and digest for a signing key. */
function signatureAlgorithm(algorithm: PrivateKeyAlgorithm): { id: asnX509.AlgorithmIdentifier; hash: string | null } {
  const nullParams = new Uint8Array([5, 0]).buffer;
  switch (algorithm) {
    case 'ecdsa-p256': return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.2' }), hash: 'sha256' };
    case 'ecdsa-p384': return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.3' }), hash: 'sha384' };
    case 'ecdsa-p521': return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.2.840.10045.4.3.4' }), hash: 'sha512' };
    case 'ed25519': return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.3.101.112' }), hash: null };
    default: return { id: new asnX509.AlgorithmIdentifier({ algorithm: '1.2.840.113549.1.1.11', parameters: nullParams }), hash: 'sha256' };
  }
}

/** A Name with a single CN (and optionally O). */
export function simpleName(commonName: string, organization?: string): asnX509.Name {
  const rdn = (type: string, value: string) =>
    new asnX509.RelativeDistinguishedName([new asnX509.AttributeTypeAndValue({ type, value: new asnX509.AttributeValue({ utf8String: value }) })]);
  const rdns = organization ? [rdn('2.5.4.10', organization), rdn('2.5.4.3', commonName)] : [rdn('2.5.4.3', commonName)];
  return new asnX509.Name(rdns);
}

/** 128 random bits, positive (top bit cleared, never zero-leading), as DER INTEGER contents. */
export function randomSerial(): ArrayBuffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x40;
  return new Uint8Array(bytes).buffer;
}

/** SKI per RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function keyIdentifier(spkiDer: Uint8Array): Uint8Array {
  const outer = readTlv(spkiDer, 0, 'public key');
  const algorithm = readTlv(spkiDer, outer.contentStart, 'public key');
  const bits = readTlv(spkiDer, algorithm.end, 'public key');
  // BIT STRING contents: one "unused bits" octet, then the key bytes.
  return new Uint8Array(createHash('sha1').update(spkiDer.subarray(bits.contentStart + 1, bits.end)).digest());
}

function extension(oid: string, critical: boolean, value: unknown): asnX509.Extension {
  return new asnX509.Extension({ extnID: oid, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** Everything needed to issue one certificate. */
export interface BuildParams {
  subject: asnX509.Name;
  /** The issuer's subject Name (for a self-signed CA: the same as `subject`). */
  issuer: asnX509.Name;
  subjectSpki: Uint8Array;
  /** The issuer's SPKI (for the AKI). */
  issuerSpki: Uint8Array;
  signingKey: PrivateKey;
  notBefore: Date;
  notAfter: Date;
  profile: CertificateProfile;
  sans?: { type: 'dns' | 'ip'; value: string }[];
  nameConstraints?: NameConstraintsSpec;
}

/** Assembles and signs a certificate. */
export async function buildCertificate(params: BuildParams): Promise<Certificate> {
  const { profile } = params;
  const extensions: asnX509.Extension[] = [
    extension(asnX509.id_ce_basicConstraints, true, new asnX509.BasicConstraints(
      profile.isCA ? { cA: true, ...(profile.pathLength !== undefined ? { pathLenConstraint: profile.pathLength } : {}) } : { cA: false })),
    extension(asnX509.id_ce_keyUsage, true, new asnX509.KeyUsage(keyUsageMask(profile.keyUsage))),
  ];
  if (profile.extendedKeyUsage.length > 0) {
    extensions.push(extension(asnX509.id_ce_extKeyUsage, false, new asnX509.ExtendedKeyUsage(profile.extendedKeyUsage.map((p) => EKU_OIDS[p]))));
  }
  if (params.sans && params.sans.length > 0) {
    const names = params.sans.map((san) => new asnX509.GeneralName(san.type === 'dns' ? { dNSName: san.value } : { iPAddress: san.value }));
    // Critical when the subject is empty (RFC 5280 §4.2.1.6); our leaves always have a CN.
    extensions.push(extension(asnX509.id_ce_subjectAltName, false, new asnX509.SubjectAlternativeName(names)));
  }
  if (params.nameConstraints) {
    extensions.push(new asnX509.Extension({ extnID: asnX509.id_ce_nameConstraints, critical: true, extnValue: new OctetString(encodeNameConstraints(params.nameConstraints)) }));
  }
  extensions.push(extension(asnX509.id_ce_subjectKeyIdentifier, false, new asnX509.SubjectKeyIdentifier(keyIdentifier(params.subjectSpki))));
  const selfSigned = Buffer.compare(params.subjectSpki, params.issuerSpki) === 0;
  if (!selfSigned) {
    extensions.push(extension(asnX509.id_ce_authorityKeyIdentifier, false, new asnX509.AuthorityKeyIdentifier({ keyIdentifier: new asnX509.KeyIdentifier(keyIdentifier(params.issuerSpki)) })));
  }

  const alg = signatureAlgorithm(params.signingKey.algorithm);
  const tbs = new asnX509.TBSCertificate({
    version: asnX509.Version.v3,
    serialNumber: randomSerial(),
    signature: alg.id,
    issuer: params.issuer,
    validity: new asnX509.Validity({ notBefore: params.notBefore, notAfter: params.notAfter }),
    subject: params.subject,
    subjectPublicKeyInfo: AsnConvert.parse(params.subjectSpki, asnX509.SubjectPublicKeyInfo),
    extensions: new asnX509.Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  const signature = await signAsync(alg.hash, tbsDer, params.signingKey.keyObject());
  const cert = new asnX509.Certificate({ tbsCertificate: tbs, signatureAlgorithm: alg.id, signatureValue: new Uint8Array(signature).buffer });
  return Certificate.from(new Uint8Array(AsnConvert.serialize(cert)));
}
