/**
 * Pairing codes and the proofs built from them.
 *
 * A code is 8 characters of Crockford base32 (40 bits), shown as `ABCD-EFGH`. It is stretched
 * with scrypt, salted by the root's fingerprint, into a code key; each side then proves knowledge
 * of the code with an HMAC over the TLS exporter of *this* connection. A man in the middle
 * terminates TLS with its own keys, so its exporter differs and no proof can be relayed; the slow
 * scrypt plus the 10-minute lifetime make an offline guess at a captured proof useless in time.
 */
import { createHmac, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** Crockford base32: no I, L, O, U (read as 1, 1, 0 and nothing). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Characters in a code: 8 × 5 bits = 40 bits. */
export const PAIRING_CODE_LENGTH = 8;
/** The TLS exporter label both sides use (RFC 5705 / RFC 8446 §7.5). */
export const EXPORTER_LABEL = 'EXPORTER-localtls-pairing-v1';
const SCRYPT = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/**
 * A fresh random code, grouped for reading aloud.
 * @example `newPairingCode() // 'K7QM-2XDA'`
 */
export function newPairingCode(): string {
  let code = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The one canonical form of a typed code: upper case, without spaces or dashes, with the letters
 * people confuse mapped (O→0, I/L→1). Every check reads this form.
 * @throws ConfigError INVALID_OPTION when it is not 8 base32 characters
 * @example `normalizePairingCode('k7qm 2xda') // 'K7QM2XDA'`
 */
export function normalizePairingCode(input: unknown): string {
  if (typeof input !== 'string') throw new ConfigError('INVALID_OPTION', `code: expected the 8-character pairing code (e.g. K7QM-2XDA); found ${describe(input)}`);
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (code.length !== PAIRING_CODE_LENGTH || [...code].some((c) => !ALPHABET.includes(c))) {
    throw new ConfigError('INVALID_OPTION', `code: expected ${PAIRING_CODE_LENGTH} characters from ${ALPHABET} (dashes and spaces ignored); found ${code.length} characters`);
  }
  return code;
}

/** scrypt(code, salt = label ‖ root fingerprint): one derivation per code and root. */
export async function codeKey(normalizedCode: string, rootFingerprint: string): Promise<Buffer> {
  return scryptAsync(normalizedCode, Buffer.from(`${EXPORTER_LABEL}|${rootFingerprint}`), 32, SCRYPT);
}

/** The proof one side sends: HMAC(codeKey, role ‖ exporter ‖ root fingerprint). */
export function pairingProof(key: Buffer, role: 'device' | 'server', exporter: Uint8Array, rootFingerprint: string): Buffer {
  return createHmac('sha256', key).update(`${role}|${rootFingerprint}|`).update(exporter).digest();
}

/** Constant-time comparison of a received proof (any length, any type) with the expected one. */
export function proofMatches(expected: Buffer, received: unknown): boolean {
  if (typeof received !== 'string') return false;
  const bytes = Buffer.from(received, 'base64');
  if (bytes.length !== expected.length) return false;
  return timingSafeEqual(bytes, expected);
}
