/**
 * Certificate signature checks for path building: one native verify per (certificate, issuer key),
 * memoised on the certificate object so warm evaluations and backtracking never verify twice.
 */
import { constants, verify, type KeyObject } from 'node:crypto';
import type { Certificate } from '../cert/certificate.js';
import { certificateSignatureScheme } from '../cert/signature.js';
import type { HashName, SignatureScheme } from '../cert/algorithms.js';

/** Outcome of checking a certificate's signature with a candidate issuer's key. */
export type SignatureOutcome = 'valid' | 'invalid' | 'wrong-key-type' | 'unsupported';

// Schemes without parameters, by OID: avoids re-parsing the certificate on the cold path.
const SIMPLE: Record<string, { scheme: SignatureScheme['scheme']; hash: HashName | null; keyTypes: string[] }> = {
  '1.2.840.113549.1.1.4': { scheme: 'rsa-pkcs1', hash: 'md5', keyTypes: ['rsa'] },
  '1.2.840.113549.1.1.5': { scheme: 'rsa-pkcs1', hash: 'sha1', keyTypes: ['rsa'] },
  '1.2.840.113549.1.1.14': { scheme: 'rsa-pkcs1', hash: 'sha224', keyTypes: ['rsa'] },
  '1.2.840.113549.1.1.11': { scheme: 'rsa-pkcs1', hash: 'sha256', keyTypes: ['rsa'] },
  '1.2.840.113549.1.1.12': { scheme: 'rsa-pkcs1', hash: 'sha384', keyTypes: ['rsa'] },
  '1.2.840.113549.1.1.13': { scheme: 'rsa-pkcs1', hash: 'sha512', keyTypes: ['rsa'] },
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'sha1', keyTypes: ['ec'] },
  '1.2.840.10045.4.3.1': { scheme: 'ecdsa', hash: 'sha224', keyTypes: ['ec'] },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'sha256', keyTypes: ['ec'] },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'sha384', keyTypes: ['ec'] },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'sha512', keyTypes: ['ec'] },
  '1.3.101.112': { scheme: 'ed25519', hash: null, keyTypes: ['ed25519'] },
  '1.3.101.113': { scheme: 'ed448', hash: null, keyTypes: ['ed448'] },
};
const RSA_PSS_OID = '1.2.840.113549.1.1.10';

/**
 * The digest a certificate's signature uses (null for EdDSA, undefined when unknown).
 * @example `signatureHash(cert) === 'sha1' // a weak signature`
 */
export function signatureHash(cert: Certificate): HashName | null | undefined {
  const simple = SIMPLE[cert.signatureAlgorithmOid];
  if (simple) return simple.hash;
  if (cert.signatureAlgorithmOid === RSA_PSS_OID) {
    try { return certificateSignatureScheme(cert).hash; } catch { return undefined; }
  }
  return undefined;
}

const memo = new WeakMap<Certificate, Map<string, SignatureOutcome>>();

function check(cert: Certificate, issuer: Certificate): SignatureOutcome {
  const keyType = issuer.publicKey.type;
  let key: KeyObject;
  try {
    key = issuer.publicKeyObject();
  } catch {
    return 'unsupported';
  }
  const simple = SIMPLE[cert.signatureAlgorithmOid];
  try {
    if (simple) {
      if (!simple.keyTypes.includes(keyType)) return 'wrong-key-type';
      return verify(simple.hash, cert.tbs, key, cert.signature) ? 'valid' : 'invalid';
    }
    if (cert.signatureAlgorithmOid === RSA_PSS_OID) {
      if (keyType !== 'rsa' && keyType !== 'rsa-pss') return 'wrong-key-type';
      const scheme = certificateSignatureScheme(cert);
      const ok = verify(scheme.hash!, cert.tbs, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength ?? 20 }, cert.signature);
      return ok ? 'valid' : 'invalid';
    }
    return 'unsupported';
  } catch {
    return 'invalid';
  }
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
