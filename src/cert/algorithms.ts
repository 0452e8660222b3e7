/** Names for the algorithm, key-usage and extended-key-usage OIDs found in certificates. */
import type { KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { RsaSaPssParams } from '@peculiar/asn1-rsa';

/** Key-usage bit names (RFC 5280 §4.2.1.3). */
export type KeyUsageName =
  | 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement'
  | 'keyCertSign' | 'cRLSign' | 'encipherOnly' | 'decipherOnly';

const KEY_USAGE_BITS: [KeyUsageName, number][] = [
  ['digitalSignature', 1], ['nonRepudiation', 2], ['keyEncipherment', 4], ['dataEncipherment', 8],
  ['keyAgreement', 16], ['keyCertSign', 32], ['cRLSign', 64], ['encipherOnly', 128], ['decipherOnly', 256],
];

/** The names of the bits set in a keyUsage extension. */
export function keyUsageNames(usage: asnX509.KeyUsage): KeyUsageName[] {
  const bits = usage.toNumber();
  return KEY_USAGE_BITS.filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
}

/** Key-usage names → the bit mask for a keyUsage extension. */
export function keyUsageMask(names: readonly KeyUsageName[]): number {
  return names.reduce((mask, name) => mask | KEY_USAGE_BITS.find(([n]) => n === name)![1], 0);
}

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** The name of an extended-key-usage OID ("serverAuth"), or the OID itself when unknown. */
export function extendedKeyUsageName(oid: string): string {
  return EKU_NAMES[oid] ?? oid;
}

/** Hash functions that appear in signatures. */
export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** How a certificate's signature is computed. */
export interface SignatureScheme {
  /** Human name, e.g. "sha256WithRSAEncryption". */
  name: string;
  /** Family. */
  scheme: 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa' | 'ed25519' | 'ed448' | 'unknown';
  /** Digest, or null for EdDSA. */
  hash: HashName | null;
  /** PSS salt length, when scheme is rsa-pss. */
  saltLength?: number;
}

const SIGNATURES: Record<string, Omit<SignatureScheme, 'saltLength'>> = {
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'md5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'sha512' },
  '1.2.840.113549.1.1.10': { name: 'rsassaPss', scheme: 'rsa-pss', hash: 'sha1' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', scheme: 'ecdsa', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519', scheme: 'ed25519', hash: null },
  '1.3.101.113': { name: 'Ed448', scheme: 'ed448', hash: null },
};

const HASH_OIDS: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.4': 'sha224', '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512', '1.2.840.113549.2.5': 'md5',
};

/** Describes a signature AlgorithmIdentifier (PSS parameters decoded). */
export function signatureScheme(algorithm: asnX509.AlgorithmIdentifier): SignatureScheme {
  const known = SIGNATURES[algorithm.algorithm];
  if (!known) return { name: algorithm.algorithm, scheme: 'unknown', hash: null };
  if (known.scheme !== 'rsa-pss') return { ...known };
  let hash: HashName = 'sha1';
  let saltLength = 20;
  if (algorithm.parameters && algorithm.parameters.byteLength > 2) {
    const params = AsnConvert.parse(algorithm.parameters, RsaSaPssParams);
    hash = HASH_OIDS[params.hashAlgorithm.algorithm] ?? 'sha1';
    saltLength = params.saltLength;
  }
  return { name: `rsassaPss(${hash})`, scheme: 'rsa-pss', hash, saltLength };
}

/** Public key facts. */
export interface PublicKeyInfo {
  /** 'rsa' | 'ec' | 'ed25519' | 'ed448' | 'rsa-pss' | other Node key type, or the OID when unknown. */
  type: string;
  /** Modulus or field size in bits (RSA, EC). */
  bits?: number;
  /** Named curve for EC keys: 'P-256' | 'P-384' | 'P-521' | other. */
  curve?: string;
}

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 }, secp384r1: { name: 'P-384', bits: 384 }, secp521r1: { name: 'P-521', bits: 521 },
  'P-256': { name: 'P-256', bits: 256 }, 'P-384': { name: 'P-384', bits: 384 }, 'P-521': { name: 'P-521', bits: 521 },
};

/** Reads the type and size of a public key; keys Node cannot load give `{ type: oid }`. */
export function publicKeyInfoOf(load: () => KeyObject, algorithmOid: string): PublicKeyInfo {
  try {
    const key = load();
    const details = key.asymmetricKeyDetails ?? {};
    const type = key.asymmetricKeyType ?? algorithmOid;
    if (type === 'ec') {
      const curve = CURVES[details.namedCurve ?? ''];
      return { type, curve: curve?.name ?? details.namedCurve ?? 'unknown', bits: curve?.bits ?? 0 };
    }
    if (type === 'rsa' || type === 'rsa-pss') return { type, bits: details.modulusLength ?? 0 };
    return { type };
  } catch {
    return { type: algorithmOid };
  }
}
