/**
 * The two PKCS#12 profiles localtls writes, as data. See docs/identity.md for which to choose.
 *
 * - 'compatible' (default): pbeWithSHAAnd3-KeyTripleDES-CBC for the key and the certificates,
 *   HMAC-SHA-1 MAC. Read by iOS/macOS of every version, Android, Java, Windows and OpenSSL 3 /
 *   Node without the legacy provider (3DES is in OpenSSL 3's default provider; RC2 is not).
 * - 'modern': PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256, HMAC-SHA-256 MAC (OpenSSL 3's own
 *   default). iOS < 18 / macOS < 15 and older Android/Java report it as a wrong password.
 *
 * Both write a localKeyID on the key and its certificate (Apple finds no identity without one)
 * and a friendlyName.
 */
import type { KdfHash } from './kdf.js';

/** Profile names. */
export type PKCS12Profile = 'compatible' | 'modern';

/** Every profile name, default first. */
export const PKCS12_PROFILES: readonly PKCS12Profile[] = ['compatible', 'modern'];

/** What a profile writes. */
export interface PKCS12ProfileSpec {
  readonly name: PKCS12Profile;
  /** Encryption of the key bag and of the certificate SafeContents. */
  readonly encryption: 'pbe-sha1-3des' | 'pbes2-pbkdf2-sha256-aes-256-cbc';
  /** MAC hash (RFC 7292 HMAC over the PKCS#12 KDF). */
  readonly macHash: KdfHash;
  /** Default iteration count for the MAC and the encryption. */
  readonly defaultIterations: number;
  /** Names as `inspectPKCS12` reports them, to recognise a file written to this profile. */
  readonly bagAlgorithm: string;
  readonly macAlgorithm: string;
}

/** The profile table. */
export const PROFILES: Readonly<Record<PKCS12Profile, PKCS12ProfileSpec>> = {
  compatible: {
    name: 'compatible', encryption: 'pbe-sha1-3des', macHash: 'sha1', defaultIterations: 2048,
    bagAlgorithm: 'pbeWithSHAAnd3-KeyTripleDES-CBC', macAlgorithm: 'HMAC-SHA-1',
  },
  modern: {
    name: 'modern', encryption: 'pbes2-pbkdf2-sha256-aes-256-cbc', macHash: 'sha256', defaultIterations: 2048,
    bagAlgorithm: 'PBES2 (PBKDF2-hmacWithSHA256, aes-256-cbc)', macAlgorithm: 'HMAC-SHA-256',
  },
};

/** The default profile. */
export const DEFAULT_PKCS12_PROFILE: PKCS12Profile = 'compatible';

/** Lowest and highest `iterations` a caller may ask for (the upper bound is the decoder's default cap). */
export const ITERATION_RANGE = { min: 2048, max: 2_000_000 } as const;
