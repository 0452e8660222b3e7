/**
 * Encryption of store items at rest. The passphrase is stretched once per store with scrypt
 * (store-wide random salt, parameters recorded in the store) into a master key; each item gets
 * its own random salt from which HKDF-SHA256 derives the item's AES-256-GCM key. A verifier
 * (HMAC of a constant under a key derived from the master key) tells a wrong passphrase apart
 * from a damaged item. The item's public header is the GCM additional data, so changing any of
 * it is detected like changing the ciphertext.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';

/** scrypt cost parameters. */
export interface KdfParams {
  /** CPU/memory cost, a power of two. Default: 2^17 (128 MiB with r = 8; about 0.3–0.5 s). */
  N: number;
  /** Block size. Default: 8. */
  r: number;
  /** Parallelism. Default: 1. */
  p: number;
}

/** The default scrypt parameters (OWASP's recommendation for scrypt). */
export const DEFAULT_KDF: Readonly<KdfParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** Smallest accepted N (2^10: only for tests and throwaway stores). */
export const MIN_KDF_N = 2 ** 10;
/** Largest accepted N (2^20: about 1 GiB with r = 8); bounds the work a crafted store can demand. */
export const MAX_KDF_N = 2 ** 20;

const VERIFIER_INFO = 'localtls identity store verifier v1';
const ITEM_INFO = 'localtls identity store item v1';

/**
 * Validates scrypt parameters (from options or from a store file), filling defaults.
 *
 * @example
 * ```ts
 * checkKdfParams('kdf', { N: 2 ** 14 });   // { N: 16384, r: 8, p: 1 }
 * ```
 * @throws ConfigError INVALID_OPTION naming the accepted ranges
 */
export function checkKdfParams(name: string, value: Partial<KdfParams> | undefined): KdfParams {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new ConfigError('INVALID_OPTION', `${name}: expected { N?, r?, p? }; found ${describe(value)}`);
  }
  const N = value?.N ?? DEFAULT_KDF.N;
  const r = value?.r ?? DEFAULT_KDF.r;
  const p = value?.p ?? DEFAULT_KDF.p;
  if (!Number.isInteger(N) || N < MIN_KDF_N || N > MAX_KDF_N || (N & (N - 1)) !== 0) {
    throw new ConfigError('INVALID_OPTION', `${name}.N: expected a power of two from 2^10 to 2^20; found ${describe(N)}`);
  }
  if (!Number.isInteger(r) || r < 1 || r > 32) throw new ConfigError('INVALID_OPTION', `${name}.r: expected an integer from 1 to 32; found ${describe(r)}`);
  if (!Number.isInteger(p) || p < 1 || p > 16) throw new ConfigError('INVALID_OPTION', `${name}.p: expected an integer from 1 to 16; found ${describe(p)}`);
  return { N, r, p };
}

/**
 * Stretches `passphrase` into a 32-byte master key with scrypt, off the event loop (libuv pool).
 *
 * @example
 * ```ts
 * const master = await deriveMasterKey('secret', randomBytes(16), DEFAULT_KDF);
 * ```
 */
export function deriveMasterKey(passphrase: string, salt: Uint8Array, params: KdfParams): Promise<Buffer> {
  const maxmem = 128 * params.N * params.r * params.p + 128 * params.r * params.p * 2 + 32 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * The verifier stored beside the KDF parameters: HMAC-SHA256 of a constant under a key derived
 * from the master key. Reveals nothing usable about the passphrase beyond what scrypt allows.
 *
 * @example
 * ```ts
 * const ok = verifierMatches(master, storedVerifier);
 * ```
 */
export function makeVerifier(master: Uint8Array): Buffer {
  const key = Buffer.from(hkdfSync('sha256', master, new Uint8Array(0), VERIFIER_INFO, 32));
  return createHmac('sha256', key).update(VERIFIER_INFO).digest();
}

/** True when `verifier` was made from this master key (constant-time). @example `if (!verifierMatches(k, v)) throw badPassword()` */
export function verifierMatches(master: Uint8Array, verifier: Uint8Array): boolean {
  const expected = makeVerifier(master);
  return verifier.length === expected.length && timingSafeEqual(expected, verifier);
}

/** The encrypted part of an item. All fields base64 in the item file. */
export interface SealedItem {
  /** Per-item HKDF salt (16 bytes). */
  salt: Buffer;
  /** AES-GCM nonce (12 bytes). */
  iv: Buffer;
  /** Ciphertext. */
  ciphertext: Buffer;
  /** GCM tag (16 bytes). */
  tag: Buffer;
}

function itemKey(master: Uint8Array, salt: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', master, salt, ITEM_INFO, 32));
}

/**
 * Encrypts `plaintext` with a fresh per-item key; `aad` (the item's public header) is
 * authenticated but not encrypted.
 *
 * @example
 * ```ts
 * const sealed = sealItem(master, Buffer.from(header), Buffer.from(pemJson));
 * ```
 */
export function sealItem(master: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): SealedItem {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', itemKey(master, salt), iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { salt, iv, ciphertext, tag: cipher.getAuthTag() };
}

/**
 * Decrypts a sealed item; returns undefined when the tag does not verify (tampered, truncated,
 * or sealed under another master key).
 *
 * @example
 * ```ts
 * const plaintext = openItem(master, aad, sealed) ?? fail('corrupt');
 * ```
 */
export function openItem(master: Uint8Array, aad: Uint8Array, sealed: SealedItem): Buffer | undefined {
  if (sealed.salt.length !== 16 || sealed.iv.length !== 12 || sealed.tag.length !== 16) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', itemKey(master, sealed.salt), sealed.iv);
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.tag);
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}
