/**
 * Certificate signature checks for path building: one native verify per (certificate, issuer key),
 * memoised on the certificate object so warm evaluations and backtracking never verify twice.
 */
import type { KeyObject } from 'node:crypto';
import type { Certificate } from '../cert/certificate.js';
import type { HashName, SignatureScheme } from '../cert/algorithms.js';
import { verifyCertificateSignature } from '../cert/signature.js';

/** Outcome of checking a certificate's signature with a candidate issuer's key. */
export type SignatureOutcome = 'valid' | 'invalid' | 'wrong-key-type' | 'unsupported';

/** Key types that can verify each signature family. */
const KEY_TYPES: Record<SignatureScheme['scheme'], readonly string[]> = {
  'rsa-pkcs1': ['rsa'], 'rsa-pss': ['rsa', 'rsa-pss'], ecdsa: ['ec'], ed25519: ['ed25519'], ed448: ['ed448'], unknown: [],
};

/**
 * The digest a certificate's signature uses (null for EdDSA, undefined when unknown).
 * @example `signatureHash(cert) === 'sha1' // a weak signature`
 */
export function signatureHash(cert: Certificate): HashName | null | undefined {
  return cert.signatureScheme.scheme === 'unknown' ? undefined : cert.signatureScheme.hash;
}

const memo = new WeakMap<Certificate, Map<string, SignatureOutcome>>();

function check(cert: Certificate, issuer: Certificate): SignatureOutcome {
  let key: KeyObject;
  try {
    key = issuer.publicKeyObject();
  } catch {
    return 'unsupported';
  }
  const scheme = cert.signatureScheme.scheme;
  if (scheme === 'unknown') return 'unsupported';
  if (!KEY_TYPES[scheme].includes(issuer.publicKey.type)) return 'wrong-key-type';
  return verifyCertificateSignature(cert, key) ? 'valid' : 'invalid';
}

/**
 * Checks that `issuer`'s key signed `cert` (memoised per certificate and issuer key).
 * @example `checkSignature(leaf, intermediate) === 'valid'`
 */
export function checkSignature(cert: Certificate, issuer: Certificate): SignatureOutcome {
  let byKey = memo.get(cert);
  if (!byKey) { byKey = new Map(); memo.set(cert, byKey); }
  const id = issuer.spkiSha256.hex;
  let outcome = byKey.get(id);
  if (outcome === undefined) {
    outcome = check(cert, issuer);
    byKey.set(id, outcome);
  }
  return outcome;
}
