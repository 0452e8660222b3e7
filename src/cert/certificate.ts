/**
 * Certificate: an immutable view of one X.509 certificate, from DER or PEM.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { IdentityError, LocalTlsError } from '../errors.js';
import { isBinary, sha256, toArrayBuffer, toBytes, toColonHex, toHex, type BinaryInput } from '../internal/bytes.js';
import { decodePem, encodePem, looksLikePem } from '../internal/pem.js';
import { checkInputSize, DEFAULT_MAX_DER_BYTES, DEFAULT_MAX_PEM_CHARS, type SizeLimitOptions } from '../internal/limits.js';
import { describe } from '../internal/options.js';
import { commonNameOfRdns, formatRdns, parseNameDer } from './distinguished-name.js';
import { readCertificateStructure } from './certificate-structure.js';
import type { SubjectAltName } from './host-name.js';
import { parseGeneralName, parseNameConstraints, type NameConstraints } from './general-names.js';
import { verifyCertificateSignature } from './signature.js';
import { extendedKeyUsageName, keyUsageNames, publicKeyInfoOf, signatureScheme, type KeyUsageName, type PublicKeyInfo, type SignatureScheme } from './algorithms.js';

/** Anything localtls accepts as a certificate: DER bytes, PEM text, or a Certificate. */
export type CertificateInput = Certificate | BinaryInput | string;

/** One extension as found in the certificate. */
export interface CertificateExtension {
  /** Dotted OID. */
  oid: string;
  /** The critical flag. */
  critical: boolean;
  /** The DER of extnValue's contents. */
  value: Uint8Array;
}

/** Extensions localtls understands (anything else that is critical makes a chain untrusted). */
export const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  asnX509.id_ce_basicConstraints, asnX509.id_ce_keyUsage, asnX509.id_ce_extKeyUsage,
  asnX509.id_ce_subjectAltName, asnX509.id_ce_subjectKeyIdentifier, asnX509.id_ce_authorityKeyIdentifier,
  asnX509.id_ce_nameConstraints, asnX509.id_ce_certificatePolicies, asnX509.id_ce_cRLDistributionPoints,
  asnX509.id_pe_authorityInfoAccess, asnX509.id_ce_issuerAltName, asnX509.id_ce_policyConstraints,
  asnX509.id_ce_inhibitAnyPolicy,
]);

/**
 * An immutable, parsed X.509 certificate.
 *
 * @example
 * ```ts
 * const cert = Certificate.from(pemText);
 * console.log(cert.subject, cert.subjectAltNames, cert.fingerprintSha256);
 * const chain = Certificate.fromPEMBundle(bundleText); // many
 * ```
 */
export class Certificate {
  /** The exact DER bytes. */
  readonly der: Uint8Array;
  /** Subject as an RFC 4514 string, e.g. "CN=listener-name.local". */
  readonly subject: string;
  /** Issuer as an RFC 4514 string. */
  readonly issuer: string;
  /** The subject's first common name, if any (informational: never used for host matching). */
  readonly commonName: string | undefined;
  /** Serial number, lowercase hex without leading zero bytes. */
  readonly serialNumber: string;
  /** The serial number INTEGER's content bytes as encoded (two's complement; for shape checks). */
  readonly serialBytes: Uint8Array;
  /** The X.509 version: 1, 2 or 3. */
  readonly version: number;
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
  /** subjectAltName entries (DNS, IP, email, URI), canonical. */
  readonly subjectAltNames: readonly SubjectAltName[];
  /** basicConstraints cA flag (false when the extension is absent). */
  readonly isCA: boolean;
  /** basicConstraints pathLenConstraint, if present. */
  readonly pathLength: number | undefined;
  /** keyUsage bits by name; undefined when the extension is absent. */
  readonly keyUsage: readonly KeyUsageName[] | undefined;
  /** extendedKeyUsage purposes by name (or OID); undefined when absent. */
  readonly extendedKeyUsage: readonly string[] | undefined;
  /** nameConstraints, if present. */
  readonly nameConstraints: NameConstraints | undefined;
  /** subjectKeyIdentifier, hex. */
  readonly subjectKeyIdentifier: string | undefined;
  /** authorityKeyIdentifier keyIdentifier, hex. */
  readonly authorityKeyIdentifier: string | undefined;
  /** Every extension, in order. */
  readonly extensions: readonly CertificateExtension[];
  /** Signature algorithm name, e.g. "ecdsa-with-SHA256" (or the OID when unknown). */
  readonly signatureAlgorithm: string;
  /** The signature algorithm's OID. */
  readonly signatureAlgorithmOid: string;
  /** How the signature was made (family, digest, PSS salt length). */
  readonly signatureScheme: SignatureScheme;
  /** SHA-256 of the DER, colon-separated uppercase hex (as openssl prints it). */
  readonly fingerprintSha256: string;
  /** SHA-256 of the SubjectPublicKeyInfo, as base64 (HPKP style) and hex. */
  readonly spkiSha256: { base64: string; hex: string };
  /** The DER of the SubjectPublicKeyInfo. */
  readonly spki: Uint8Array;
  /** The DER of tbsCertificate (what the signature covers). */
  readonly tbs: Uint8Array;
  /** The signature bytes. */
  readonly signature: Uint8Array;
  /** The DER of the subject Name (for exact issuer matching). */
  readonly subjectDer: Uint8Array;
  /** The DER of the issuer Name. */
  readonly issuerDer: Uint8Array;
  #publicKeyObject: KeyObject | undefined;
  #publicKeyInfo: PublicKeyInfo | undefined;
  readonly #spkiAlgorithmOid: string;

  private constructor(der: Uint8Array) {
    const structure = readCertificateStructure(der);
    this.der = der;
    this.tbs = structure.tbs;
    const subjectRdns = parseNameDer(structure.subject);
    this.subject = formatRdns(subjectRdns);
    this.issuer = formatRdns(parseNameDer(structure.issuer));
    this.commonName = commonNameOfRdns(subjectRdns);
    this.subjectDer = structure.subject;
    this.issuerDer = structure.issuer;
    this.serialNumber = toHex(structure.serial).replace(/^(00)+(?=.)/, '');
    this.serialBytes = structure.serial;
    this.version = structure.version;
    this.notBefore = structure.notBefore;
    this.notAfter = structure.notAfter;
    const algorithm = new asnX509.AlgorithmIdentifier({
      algorithm: structure.signatureAlgorithm.oid,
      ...(structure.signatureAlgorithm.parameters ? { parameters: toArrayBuffer(structure.signatureAlgorithm.parameters) } : {}),
    });
    this.signatureAlgorithmOid = algorithm.algorithm;
    try {
      this.signatureScheme = Object.freeze(signatureScheme(algorithm));
    } catch (cause) {
      throw new IdentityError('MALFORMED', `certificate: the ${algorithm.algorithm} signature parameters do not decode`, { cause });
    }
    this.signatureAlgorithm = this.signatureScheme.name;
    this.signature = structure.signature;
    this.spki = structure.spki;
    this.#spkiAlgorithmOid = structure.spkiAlgorithmOid;
    const spkiHash = sha256(this.spki);
    this.spkiSha256 = { base64: Buffer.from(spkiHash).toString('base64'), hex: toHex(spkiHash) };
    this.fingerprintSha256 = toColonHex(sha256(der));

    const extensions: CertificateExtension[] = [];
    let sans: SubjectAltName[] = [];
    let isCA = false;
    let pathLength: number | undefined;
    let keyUsage: KeyUsageName[] | undefined;
    let eku: string[] | undefined;
    let nameConstraints: NameConstraints | undefined;
    let ski: string | undefined;
    let aki: string | undefined;
    const seen = new Set<string>();
    try {
      for (const ext of structure.extensions) {
        const value = ext.value;
        if (seen.has(ext.oid)) throw new Error(`extension ${ext.oid} appears twice`);
        seen.add(ext.oid);
        extensions.push({ oid: ext.oid, critical: ext.critical, value });
        switch (ext.oid) {
          case asnX509.id_ce_subjectAltName:
            sans = Array.from(AsnConvert.parse(value, asnX509.SubjectAlternativeName), (name) => parseGeneralName(name))
              .filter((n): n is SubjectAltName => n !== undefined && ['dns', 'ip', 'email', 'uri'].includes(n.type)) as SubjectAltName[];
            break;
          case asnX509.id_ce_basicConstraints: {
            const bc = AsnConvert.parse(value, asnX509.BasicConstraints);
            isCA = bc.cA;
            pathLength = bc.pathLenConstraint;
            break;
          }
          case asnX509.id_ce_keyUsage:
            keyUsage = keyUsageNames(AsnConvert.parse(value, asnX509.KeyUsage));
            break;
          case asnX509.id_ce_extKeyUsage:
            eku = Array.from(AsnConvert.parse(value, asnX509.ExtendedKeyUsage), extendedKeyUsageName);
            break;
          case asnX509.id_ce_nameConstraints:
            nameConstraints = parseNameConstraints(AsnConvert.parse(value, asnX509.NameConstraints));
            break;
          case asnX509.id_ce_subjectKeyIdentifier:
            ski = toHex(new Uint8Array(AsnConvert.parse(value, asnX509.SubjectKeyIdentifier).buffer));
            break;
          case asnX509.id_ce_authorityKeyIdentifier: {
            const id = AsnConvert.parse(value, asnX509.AuthorityKeyIdentifier).keyIdentifier;
            aki = id ? toHex(new Uint8Array(id.buffer)) : undefined;
            break;
          }
        }
      }
    } catch (cause) {
      throw new IdentityError('MALFORMED', `certificate ${this.subject}: expected well-formed extensions; found one that does not decode (${(cause as Error).message})`, { cause });
    }
    this.extensions = Object.freeze(extensions);
    this.subjectAltNames = Object.freeze(sans);
    this.isCA = isCA;
    this.pathLength = pathLength;
    this.keyUsage = keyUsage && Object.freeze(keyUsage);
    this.extendedKeyUsage = eku && Object.freeze(eku);
    this.nameConstraints = nameConstraints;
    this.subjectKeyIdentifier = ski;
    this.authorityKeyIdentifier = aki;
    Object.freeze(this);
  }

  /**
   * Parses one certificate from DER bytes, PEM text (the first CERTIFICATE block) or a Certificate.
   * Inputs over `maxBytes` (default 1 MiB DER, 16 MiB PEM) are refused before parsing.
   * @throws IdentityError MALFORMED naming what was found; INPUT_TOO_LARGE.
   */
  static from(input: CertificateInput, options?: SizeLimitOptions): Certificate {
    if (input instanceof Certificate) return input;
    const all = Certificate.parseAll(input, options);
    return all[0]!;
  }

  /** Parses every certificate in a PEM bundle (or the single one in DER). @throws MALFORMED, INPUT_TOO_LARGE */
  static fromPEMBundle(pem: string, options?: SizeLimitOptions): Certificate[] {
    return Certificate.parseAll(pem, options);
  }

  /** Parses a list of inputs, expanding PEM bundles. */
  static fromList(inputs: readonly CertificateInput[] | CertificateInput, options?: SizeLimitOptions): Certificate[] {
    const list = Array.isArray(inputs) ? inputs : [inputs as CertificateInput];
    return list.flatMap((item) => (item instanceof Certificate ? [item] : Certificate.parseAll(item, options)));
  }

  private static parseAll(input: BinaryInput | string, options: SizeLimitOptions | undefined): Certificate[] {
    if (typeof input === 'string') {
      checkInputSize('certificate PEM', input.length, options, DEFAULT_MAX_PEM_CHARS);
      if (!looksLikePem(input)) {
        throw new IdentityError('MALFORMED', `certificate: expected PEM text with "-----BEGIN CERTIFICATE-----"; found ${describe(input)} without a BEGIN line`);
      }
      const blocks = decodePem(input, 'certificate PEM').filter((b) => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE' || b.label === 'X509 CERTIFICATE');
      if (blocks.length === 0) throw new IdentityError('MALFORMED', 'certificate PEM: expected a CERTIFICATE block; found only other kinds of blocks');
      return blocks.map((b) => Certificate.fromDerChecked(b.der));
    }
    if (!isBinary(input)) {
      throw new IdentityError('MALFORMED', `certificate: expected DER bytes, PEM text or a Certificate; found ${describe(input)}`);
    }
    const bytes = toBytes(input);
    if (bytes.length > 0 && bytes[0] === 0x2d /* '-' */) return Certificate.parseAll(Buffer.from(bytes).toString('latin1'), options);
    checkInputSize('certificate', bytes.length, options, DEFAULT_MAX_DER_BYTES);
    return [Certificate.fromDerChecked(bytes)];
  }

  private static fromDerChecked(der: Uint8Array): Certificate {
    try {
      return new Certificate(new Uint8Array(der));
    } catch (error) {
      if (error instanceof LocalTlsError) throw error;
      throw new IdentityError('MALFORMED', `certificate: expected an X.509 certificate; found ${der.length} bytes that do not decode as one`, { cause: error });
    }
  }

  /** The public key as a Node KeyObject (cached). */
  publicKeyObject(): KeyObject {
    if (!this.#publicKeyObject) this.#publicKeyObject = createPublicKey({ key: Buffer.from(this.spki), format: 'der', type: 'spki' });
    return this.#publicKeyObject;
  }

  /** Public key type and size (computed on first use). */
  get publicKey(): PublicKeyInfo {
    this.#publicKeyInfo ??= Object.freeze(publicKeyInfoOf(() => this.publicKeyObject(), this.#spkiAlgorithmOid));
    return this.#publicKeyInfo;
  }

  /** True when subject and issuer are the same name (signature not checked). */
  get isSelfIssued(): boolean {
    return Buffer.compare(this.subjectDer, this.issuerDer) === 0;
  }

  /** True when self-issued and its signature verifies with its own key. */
  get isSelfSigned(): boolean {
    if (!this.isSelfIssued) return false;
    try {
      return verifyCertificateSignature(this, this.publicKeyObject());
    } catch {
      return false;
    }
  }

  /** The DER bytes (a copy). */
  toDER(): Uint8Array {
    return new Uint8Array(this.der);
  }

  /** PEM text with one CERTIFICATE block. */
  toPEM(): string {
    return encodePem('CERTIFICATE', this.der);
  }

  /** True when the certificate is valid at `time` (default: now). */
  isValidAt(time: Date = new Date()): boolean {
    return time >= this.notBefore && time <= this.notAfter;
  }

  /** Same DER bytes. */
  equals(other: Certificate): boolean {
    return Buffer.compare(this.der, other.der) === 0;
  }

  /** A short human description: subject, SANs, validity, fingerprint. */
  toString(): string {
    return `Certificate(${this.subject}; ${this.subjectAltNames.map((s) => s.value).join(', ') || 'no SAN'}; ` +
      `${this.notBefore.toISOString()} – ${this.notAfter.toISOString()}; sha256 ${this.fingerprintSha256.slice(0, 23)}…)`;
  }
}
