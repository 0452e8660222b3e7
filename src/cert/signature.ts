/** Verifies a certificate's signature with an issuer's public key (Node's native crypto). */
import { constants, verify, type KeyObject } from 'node:crypto';
import type { SignatureScheme } from './algorithms.js';

interface SignedObject {
  readonly tbs: Uint8Array;
  readonly signature: Uint8Array;
  readonly signatureScheme: SignatureScheme;
}

/**
 * True when `cert`'s signature verifies under `issuerKey`. False for a wrong key, a bad signature,
 * or an algorithm the key cannot do; throws only for an unknown signature algorithm.
 */
export function verifyCertificateSignature(cert: SignedObject, issuerKey: KeyObject): boolean {
  const scheme = cert.signatureScheme;
  if (scheme.scheme === 'unknown') throw new Error(`unsupported signature algorithm ${scheme.name}`);
  try {
    if (scheme.scheme === 'ed25519' || scheme.scheme === 'ed448') return verify(null, cert.tbs, issuerKey, cert.signature);
    if (scheme.scheme === 'rsa-pss') {
      return verify(scheme.hash!, cert.tbs, { key: issuerKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength ?? 20 }, cert.signature);
    }
    return verify(scheme.hash!, cert.tbs, issuerKey, cert.signature);
  } catch {
    return false;
  }
}
