/** The key algorithms localtls generates and accepts, and their signing parameters. */
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';

/** Key algorithms localtls can generate. Default: 'ecdsa-p256'. */
export type KeyAlgorithm = 'ecdsa-p256' | 'ecdsa-p384' | 'ecdsa-p521' | 'rsa-2048' | 'rsa-3072' | 'rsa-4096' | 'ed25519';

/**
 * The algorithm of a key read from a file: one localtls generates, or an RSA key of another size
 * (`rsa-1024`, `rsa-2560`, …). Keys below 2048 bits are read but refused where used (WEAK_KEY;
 * see key-strength.ts).
 */
export type PrivateKeyAlgorithm = KeyAlgorithm | `rsa-${number}`;

/** Every accepted key algorithm name. */
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'ecdsa-p384', 'ecdsa-p521', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'];

/** The default key algorithm. */
export const DEFAULT_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p256';

/** Validates a key algorithm option. @throws ConfigError INVALID_OPTION listing the accepted names. */
export function checkKeyAlgorithm(name: string, value: unknown): KeyAlgorithm {
  if (typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value)) return value as KeyAlgorithm;
  throw new ConfigError('INVALID_OPTION', `${name}: expected one of ${KEY_ALGORITHMS.join(', ')}; found ${describe(value)}`);
}

/** WebCrypto import parameters for a private key of this algorithm. */
export function webCryptoImportParams(algorithm: PrivateKeyAlgorithm): { name: string; namedCurve?: string; hash?: string } {
  switch (algorithm) {
    case 'ecdsa-p256': return { name: 'ECDSA', namedCurve: 'P-256' };
    case 'ecdsa-p384': return { name: 'ECDSA', namedCurve: 'P-384' };
    case 'ecdsa-p521': return { name: 'ECDSA', namedCurve: 'P-521' };
    case 'ed25519': return { name: 'Ed25519' };
    default: return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

/** WebCrypto signing parameters (SHA-256; SHA-384 for P-384, SHA-512 for P-521). */
export function webCryptoSigningParams(algorithm: PrivateKeyAlgorithm): { name: string; hash?: string } {
  switch (algorithm) {
    case 'ecdsa-p256': return { name: 'ECDSA', hash: 'SHA-256' };
    case 'ecdsa-p384': return { name: 'ECDSA', hash: 'SHA-384' };
    case 'ecdsa-p521': return { name: 'ECDSA', hash: 'SHA-512' };
    case 'ed25519': return { name: 'Ed25519' };
    default: return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  }
}

/** True for RSA algorithms (their leaves also get keyEncipherment). */
export function isRsa(algorithm: PrivateKeyAlgorithm): boolean {
  return algorithm.startsWith('rsa-');
}
