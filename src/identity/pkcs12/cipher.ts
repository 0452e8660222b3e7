/**
 * CBC encryption and decryption with PKCS#7 padding for the block ciphers PKCS#12 uses:
 * AES and triple DES through Node's crypto (OpenSSL's default provider), RC2 through rc2.ts
 * (OpenSSL 3 keeps RC2 in its legacy provider, which Node does not load).
 *
 * A padding failure after decryption means the key was wrong: it becomes BAD_PASSWORD.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { IdentityError } from '../../errors.js';
import { malformed } from './asn1.js';
import { rc2CbcDecrypt, rc2CbcEncrypt } from './rc2.js';

/** Block ciphers in CBC mode. `rc2` carries its effective key bits. */
export type BlockCipher =
  | { kind: 'node'; name: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc'; keyLength: number; blockSize: number }
  | { kind: 'rc2'; effectiveBits: number; keyLength: number; blockSize: 8 };

/** Thrown when decryption produced bad padding: the password (key) is wrong. */
export function badPassword(what: string): IdentityError {
  return new IdentityError('BAD_PASSWORD', `PKCS#12: ${what} did not decrypt with this password (expected valid padding after decryption; found none)`, {
    hint: 'check the password; if it is right, run inspectPKCS12() to see how the file was written',
  });
}

/** Decrypts and removes PKCS#7 padding. MALFORMED for impossible lengths, BAD_PASSWORD for bad padding. */
export function cbcDecrypt(cipher: BlockCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array, what: string): Uint8Array {
  const bs = cipher.blockSize;
  if (data.length === 0 || data.length % bs !== 0) {
    throw malformed(`${what}: expected encrypted data in whole ${bs}-byte blocks; found ${data.length} bytes`);
  }
  if (iv.length !== bs) throw malformed(`${what}: expected a ${bs}-byte IV; found ${iv.length} bytes`);
  let plain: Uint8Array;
  if (cipher.kind === 'rc2') {
    plain = rc2CbcDecrypt(key, cipher.effectiveBits, iv, data);
  } else {
    const decipher = createDecipheriv(cipher.name, key, iv);
    decipher.setAutoPadding(false);
    plain = new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > bs) throw badPassword(what);
  for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw badPassword(what);
  return plain.subarray(0, plain.length - pad);
}

/** Adds PKCS#7 padding and encrypts. */
export function cbcEncrypt(cipher: BlockCipher, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const bs = cipher.blockSize;
  const pad = bs - (data.length % bs);
  const padded = new Uint8Array(data.length + pad);
  padded.set(data);
  padded.fill(pad, data.length);
  if (cipher.kind === 'rc2') return rc2CbcEncrypt(key, cipher.effectiveBits, iv, padded);
  const c = createCipheriv(cipher.name, key, iv);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(padded), c.final()]));
}
