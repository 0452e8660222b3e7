/**
 * PKCS#12 password integrity (MacData, RFC 7292 section 4): HMAC with SHA-1/224/256/384/512 keyed
 * by the PKCS#12 KDF (ID 3) over the BMPString password, or PBMAC1 (RFC 9579, written by
 * OpenSSL 3.4+ with -pbmac1_pbkdf2): HMAC keyed by PBKDF2 over the UTF-8 password.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { IdentityError } from '../../errors.js';
import { algorithm, integer, malformed, nullValue, objectId, octets, octetString, oid, int, seq, sequence, type Element } from './asn1.js';
import { HASH_SIZES, KDF_ID, pkcs12Kdf, Slicer, type KdfHash } from './kdf.js';
import { OID, oidName, shortName } from './oids.js';
import type { PasswordCandidate } from './password.js';
import { parseHmacAlgorithm, parsePbkdf2, PRF_OID, runPbkdf2 } from './pbes2.js';

const DIGESTS: Record<string, KdfHash> = {
  [OID.sha1]: 'sha1', [OID.sha224]: 'sha224', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512',
};
/** Digest OID for each hash. */
export const DIGEST_OID: Record<KdfHash, string> = Object.fromEntries(Object.entries(DIGESTS).map(([k, v]) => [v, k])) as Record<KdfHash, string>;

/** A parsed MacData. */
export interface MacInfo {
  /** 'hmac' = RFC 7292 MAC over the PKCS#12 KDF; 'pbmac1' = RFC 9579. */
  readonly kind: 'hmac' | 'pbmac1';
  /** Readable description, e.g. "HMAC-SHA-256" or "PBMAC1 (PBKDF2-hmacWithSHA256, hmacWithSHA256)". */
  readonly name: string;
  /** The HMAC hash. */
  readonly hash: KdfHash;
  /** Iterations of the key derivation. */
  readonly iterations: number;
  /** True when OpenSSL 3.0 (and Node 20/22's bundled OpenSSL) verifies it. PBMAC1 needs OpenSSL 3.4+. */
  readonly nativeOpenSSL3: boolean;
  /** Set when localtls cannot verify this MAC (decoders throw it before any key derivation). */
  readonly unsupported?: IdentityError;
  /** True when the MAC matches with this password form. */
  verify(password: PasswordCandidate, data: Uint8Array, slicer: Slicer): Promise<boolean>;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The RFC 7292 MAC over `data`. */
export async function classicMac(hash: KdfHash, password: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array, slicer = new Slicer()): Promise<Uint8Array> {
  const key = await pkcs12Kdf(hash, password, salt, KDF_ID.mac, iterations, HASH_SIZES[hash].u, slicer);
  return new Uint8Array(createHmac(hash, key).update(data).digest());
}

/** Parses MacData. MALFORMED / UNSUPPORTED_ALGORITHM on bad input. */
export function parseMacData(el: Element): MacInfo {
  const what = 'MacData';
  const kids = sequence(el, what);
  const digestInfo = sequence(kids.next('mac (DigestInfo)'), `${what} DigestInfo`);
  const algEl = digestInfo.next('digestAlgorithm');
  const expected = octets(digestInfo.next('digest'), `${what} digest`);
  digestInfo.end();
  const salt = octets(kids.next('macSalt'), `${what} macSalt`);
  const iterations = kids.done ? 1 : integer(kids.next('iterations'), `${what} iterations`);
  kids.end();

  const alg = sequence(algEl, `${what} digestAlgorithm`);
  const algOid = oid(alg.next('algorithm'), `${what} digestAlgorithm`);
  const params = alg.done ? undefined : alg.next('parameters');
  alg.end();

  if (algOid === OID.pbmac1) {
    if (!params) throw malformed(`${what}: expected PBMAC1 parameters; found none`);
    const p = sequence(params, `${what} PBMAC1-params`);
    const kdf = parsePbkdf2(p.next('keyDerivationFunc'), `${what} PBMAC1`);
    const hash = parseHmacAlgorithm(p.next('messageAuthScheme'), `${what} PBMAC1 messageAuthScheme`);
    p.end();
    if (kdf.keyLength === undefined) throw malformed(`${what}: expected a PBKDF2 keyLength in PBMAC1 parameters (RFC 9579); found none`);
    const keyLength = kdf.keyLength;
    if (expected.length !== HASH_SIZES[hash].u) throw malformed(`${what}: expected a ${HASH_SIZES[hash].u}-byte ${shortName(PRF_OID[hash])} value; found ${expected.length} bytes`);
    return {
      kind: 'pbmac1',
      name: `PBMAC1 (PBKDF2-${shortName(PRF_OID[kdf.prf])}, ${shortName(PRF_OID[hash])})`,
      hash,
      iterations: kdf.iterations,
      nativeOpenSSL3: false,
      async verify(password, data) {
        const key = await runPbkdf2(password.utf8, kdf, keyLength);
        return equal(new Uint8Array(createHmac(hash, key).update(data).digest()), expected);
      },
    };
  }
  const hash = DIGESTS[algOid];
  if (!hash) {
    const error = new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected a MAC digest of SHA-1/224/256/384/512 or PBMAC1; found ${oidName(algOid)}`, { details: { oid: algOid } });
    return { kind: 'hmac', name: `unsupported: ${oidName(algOid)}`, hash: 'sha1', iterations, nativeOpenSSL3: false, unsupported: error, async verify() { throw error; } };
  }
  if (expected.length !== HASH_SIZES[hash].u) throw malformed(`${what}: expected a ${HASH_SIZES[hash].u}-byte HMAC-${shortName(algOid)} value; found ${expected.length} bytes`);
  return {
    kind: 'hmac',
    name: `HMAC-${shortName(algOid)}`,
    hash,
    iterations,
    nativeOpenSSL3: true,
    async verify(password, data, slicer) {
      return equal(await classicMac(hash, password.bmp, salt, iterations, data, slicer), expected);
    },
  };
}

/** Builds MacData DER for the RFC 7292 MAC. */
export async function buildMacData(hash: KdfHash, password: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array, slicer = new Slicer()): Promise<Uint8Array> {
  const mac = await classicMac(hash, password, salt, iterations, data, slicer);
  return seq(seq(algorithm(DIGEST_OID[hash], nullValue()), octetString(mac)), octetString(salt), int(iterations));
}

/** Builds PBMAC1 MacData DER (RFC 9579): PBKDF2 with `prf`, HMAC with `hash`, keyLength = hash size. */
export async function buildPbmac1MacData(prf: KdfHash, hash: KdfHash, password: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array): Promise<Uint8Array> {
  const keyLength = HASH_SIZES[hash].u;
  const key = await runPbkdf2(password, { salt, iterations, keyLength, prf }, keyLength);
  const mac = new Uint8Array(createHmac(hash, key).update(data).digest());
  const kdf = algorithm(OID.pbkdf2, seq(octetString(salt), int(iterations), int(keyLength), algorithm(PRF_OID[prf], nullValue())));
  const params = seq(kdf, algorithm(PRF_OID[hash], nullValue()));
  return seq(seq(seq(objectId(OID.pbmac1), params), octetString(mac)), octetString(new TextEncoder().encode('NOT USED')), int(1));
}
