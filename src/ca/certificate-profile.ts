/**
 * Certificate profiles as data: which extensions a CA certificate and a leaf get.
 * The CA, not a CSR, decides every extension.
 */
import type { KeyUsageName } from '../cert/algorithms.js';

/** What kind of certificate a profile describes. */
export interface CertificateProfile {
  /** basicConstraints cA flag (always critical). */
  isCA: boolean;
  /** pathLenConstraint for CAs (undefined: none). */
  pathLength?: number;
  /** keyUsage bits (always critical). */
  keyUsage: KeyUsageName[];
  /** extendedKeyUsage purposes (absent when empty). */
  extendedKeyUsage: ('serverAuth' | 'clientAuth')[];
}

/** The root CA profile: CA:TRUE with pathLen 0 (leaves only), keyCertSign + cRLSign. */
export function caProfile(pathLength = 0): CertificateProfile {
  return { isCA: true, pathLength, keyUsage: ['keyCertSign', 'cRLSign'], extendedKeyUsage: [] };
}

/**
 * The leaf profile: CA:FALSE, digitalSignature (+ keyEncipherment for RSA keys), and the
 * requested extended key usages.
 */
export function leafProfile(options: { rsa: boolean; serverAuth: boolean; clientAuth: boolean }): CertificateProfile {
  const extendedKeyUsage: ('serverAuth' | 'clientAuth')[] = [];
  if (options.serverAuth) extendedKeyUsage.push('serverAuth');
  if (options.clientAuth) extendedKeyUsage.push('clientAuth');
  return {
    isCA: false,
    keyUsage: options.rsa ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    extendedKeyUsage,
  };
}
