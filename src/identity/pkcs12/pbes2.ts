/**
 * PBES2 (RFC 8018 section 6.2) with PBKDF2: HMAC-SHA1/224/256/384/512 as PRF; AES-128/192/256-CBC,
 * DES-EDE3-CBC or RC2-CBC as cipher. PBKDF2 runs in Node's thread pool (crypto.pbkdf2), so it never
 * blocks the event loop. The password is used as UTF-8 bytes, as OpenSSL does.
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { IdentityError } from '../../errors.js';
import { algorithm, Children, integer, malformed, nullValue, objectId, octets, octetString, oid, int, seq, sequence, type Element } from './asn1.js';
import { cbcDecrypt, cbcEncrypt, type BlockCipher } from './cipher.js';
import type { KdfHash } from './kdf.js';
import { OID, oidName, shortName } from './oids.js';
import type { EncryptionScheme } from './scheme.js';

const pbkdf2Async = promisify(pbkdf2);

const PRFS: Record<string, KdfHash> = {
  [OID.hmacSha1]: 'sha1', [OID.hmacSha224]: 'sha224', [OID.hmacSha256]: 'sha256', [OID.hmacSha384]: 'sha384', [OID.hmacSha512]: 'sha512',
};
/** PRF OID for each hash (for writers). */
export const PRF_OID: Record<KdfHash, string> = Object.fromEntries(Object.entries(PRFS).map(([k, v]) => [v, k])) as Record<KdfHash, string>;

/** Parsed PBKDF2-params. */
export interface Pbkdf2Params {
  salt: Uint8Array;
  iterations: number;
  keyLength: number | undefined;
  prf: KdfHash;
}

/** Parses an HMAC AlgorithmIdentifier (hmacWithSHA*), parameters NULL or absent. */
export function parseHmacAlgorithm(el: Element, what: string): KdfHash {
  const kids = sequence(el, what);
  const id = oid(kids.next('algorithm'), what);
  if (!kids.done) kids.next('parameters');
  kids.end();
  const hash = PRFS[id];
  if (!hash) throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected hmacWithSHA1/224/256/384/512; found ${oidName(id)}`, { details: { oid: id } });
  return hash;
}

/** Parses a keyDerivationFunc AlgorithmIdentifier that must be PBKDF2. */
export function parsePbkdf2(el: Element, what: string): Pbkdf2Params {
  const kids = sequence(el, `${what} key derivation`);
  const id = oid(kids.next('algorithm'), `${what} key derivation`);
  if (id !== OID.pbkdf2) throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected PBKDF2 as key derivation; found ${oidName(id)}`, { details: { oid: id } });
  const p = sequence(kids.next('PBKDF2-params'), `${what} PBKDF2-params`);
  kids.end();
  const saltEl = p.next('salt');
  if (saltEl.tag !== 0x04 && saltEl.tag !== 0x24) throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected a specified PBKDF2 salt (OCTET STRING); found an otherSource salt`);
  const salt = octets(saltEl, `${what} salt`);
  const iterations = integer(p.next('iterationCount'), `${what} iterationCount`);
  let keyLength: number | undefined;
  if (p.peekTag() === 0x02) {
    keyLength = integer(p.next('keyLength'), `${what} keyLength`);
    if (keyLength < 1 || keyLength > 1024) throw malformed(`${what}: expected a PBKDF2 keyLength from 1 to 1024 bytes; found ${keyLength}`);
  }
  const prf = p.done ? 'sha1' : parseHmacAlgorithm(p.next('prf'), `${what} PBKDF2 prf`);
  p.end();
  return { salt, iterations, keyLength, prf };
}

/** Runs PBKDF2 off the main thread. */
export async function runPbkdf2(password: Uint8Array, params: Pbkdf2Params, keyLength: number): Promise<Uint8Array> {
  return new Uint8Array(await pbkdf2Async(password, params.salt, params.iterations, keyLength, params.prf));
}

function rc2Bits(version: number): number {
  if (version === 160) return 40;
  if (version === 120) return 64;
  if (version === 58) return 128;
  if (version >= 256 && version <= 1024) return version;
  throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: expected an RC2 parameter version of 160, 120, 58 or 256..1024; found ${version}`);
}

function parseCipher(el: Element, what: string, keyLength: number | undefined): { cipher: BlockCipher; iv: Uint8Array; name: string } {
  const kids = sequence(el, `${what} encryption scheme`);
  const id = oid(kids.next('algorithm'), `${what} encryption scheme`);
  const params = kids.done ? undefined : kids.next('parameters');
  kids.end();
  const nodeCiphers: Record<string, BlockCipher & { kind: 'node' }> = {
    [OID.aes128Cbc]: { kind: 'node', name: 'aes-128-cbc', keyLength: 16, blockSize: 16 },
    [OID.aes192Cbc]: { kind: 'node', name: 'aes-192-cbc', keyLength: 24, blockSize: 16 },
    [OID.aes256Cbc]: { kind: 'node', name: 'aes-256-cbc', keyLength: 32, blockSize: 16 },
    [OID.desEde3Cbc]: { kind: 'node', name: 'des-ede3-cbc', keyLength: 24, blockSize: 8 },
  };
  const known = nodeCiphers[id];
  if (known) {
    if (!params) throw malformed(`${what}: expected an IV for ${known.name}; found none`);
    return { cipher: known, iv: octets(params, `${what} IV`), name: known.name };
  }
  if (id === OID.rc2Cbc) {
    if (!params) throw malformed(`${what}: expected RC2-CBC parameters; found none`);
    let bits = 32;
    let iv: Uint8Array;
    if (params.tag === 0x04) iv = octets(params, `${what} IV`);
    else {
      const p = sequence(params, `${what} RC2-CBC parameters`);
      if (p.peekTag() === 0x02) bits = rc2Bits(integer(p.next('version'), `${what} RC2 version`));
      iv = octets(p.next('iv'), `${what} IV`);
      p.end();
    }
    const length = keyLength ?? Math.ceil(bits / 8);
    if (length < 1 || length > 128) throw malformed(`${what}: expected an RC2 key of 1 to 128 bytes; found ${length}`);
    return { cipher: { kind: 'rc2', effectiveBits: bits, keyLength: length, blockSize: 8 }, iv, name: `rc2-${bits}-cbc` };
  }
  throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected AES-128/192/256-CBC, DES-EDE3-CBC or RC2-CBC inside PBES2; found ${oidName(id)}`, { details: { oid: id } });
}

/** Parses PBES2-params. */
export function parsePbes2(params: Element, what: string): EncryptionScheme {
  const kids: Children = sequence(params, `${what} PBES2-params`);
  const kdf = parsePbkdf2(kids.next('keyDerivationFunc'), what);
  const { cipher, iv, name } = parseCipher(kids.next('encryptionScheme'), what, kdf.keyLength);
  kids.end();
  if (cipher.kind === 'node' && kdf.keyLength !== undefined && kdf.keyLength !== cipher.keyLength) {
    throw malformed(`${what}: expected a PBKDF2 keyLength of ${cipher.keyLength} for ${name}; found ${kdf.keyLength}`);
  }
  return {
    oid: OID.pbes2,
    name: `PBES2 (PBKDF2-${shortName(PRF_OID[kdf.prf])}, ${name})`,
    iterations: kdf.iterations,
    nativeOpenSSL3: cipher.kind === 'node',
    async decrypt(password, data, _slicer, label) {
      const key = await runPbkdf2(password.utf8, kdf, cipher.keyLength);
      return cbcDecrypt(cipher, key, iv, data, label);
    },
  };
}

/** Encrypts with PBES2 (PBKDF2 + AES-256-CBC by default), returning the AlgorithmIdentifier DER and ciphertext. */
export async function pbes2Encrypt(
  password: Uint8Array, data: Uint8Array,
  options: { salt: Uint8Array; iv: Uint8Array; iterations: number; prf: KdfHash; cipher: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' },
): Promise<{ algorithmId: Uint8Array; encrypted: Uint8Array }> {
  const keyLength = { 'aes-128-cbc': 16, 'aes-192-cbc': 24, 'aes-256-cbc': 32 }[options.cipher];
  const cipherOid = { 'aes-128-cbc': OID.aes128Cbc, 'aes-192-cbc': OID.aes192Cbc, 'aes-256-cbc': OID.aes256Cbc }[options.cipher];
  const key = await runPbkdf2(password, { salt: options.salt, iterations: options.iterations, keyLength, prf: options.prf }, keyLength);
  const encrypted = cbcEncrypt({ kind: 'node', name: options.cipher, keyLength, blockSize: 16 }, key, options.iv, data);
  const kdf = algorithm(OID.pbkdf2, seq(octetString(options.salt), int(options.iterations), algorithm(PRF_OID[options.prf], nullValue())));
  const algorithmId = seq(objectId(OID.pbes2), seq(kdf, algorithm(cipherOid, octetString(options.iv))));
  return { algorithmId, encrypted };
}
