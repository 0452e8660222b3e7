/**
 * PKCS#12 password-based encryption (RFC 7292 appendix C): pbeWithSHAAnd3-KeyTripleDES-CBC,
 * pbeWithSHAAnd2-KeyTripleDES-CBC, pbeWithSHAAnd128BitRC2-CBC and pbeWithSHAAnd40BitRC2-CBC.
 * Key and IV come from the PKCS#12 KDF (SHA-1, IDs 1 and 2) over the BMPString password.
 * The RC4 variants are refused as UNSUPPORTED_ALGORITHM.
 */
import { IdentityError } from '../../errors.js';
import { algorithm, integer, malformed, octets, octetString, int, seq, sequence, type Element } from './asn1.js';
import { cbcDecrypt, cbcEncrypt, type BlockCipher } from './cipher.js';
import { KDF_ID, pkcs12Kdf, Slicer } from './kdf.js';
import { OID, oidName, shortName } from './oids.js';
import type { EncryptionScheme } from './scheme.js';

interface PbeAlgorithm {
  cipher: BlockCipher;
  /** Bytes derived for the key (2-key 3DES derives 16 and repeats the first 8). */
  derivedKeyLength: number;
  native: boolean;
}

const ALGORITHMS: Record<string, PbeAlgorithm> = {
  [OID.pbeSha1TripleDes3Key]: { cipher: { kind: 'node', name: 'des-ede3-cbc', keyLength: 24, blockSize: 8 }, derivedKeyLength: 24, native: true },
  [OID.pbeSha1TripleDes2Key]: { cipher: { kind: 'node', name: 'des-ede3-cbc', keyLength: 24, blockSize: 8 }, derivedKeyLength: 16, native: true },
  [OID.pbeSha1Rc2_128]: { cipher: { kind: 'rc2', effectiveBits: 128, keyLength: 16, blockSize: 8 }, derivedKeyLength: 16, native: false },
  [OID.pbeSha1Rc2_40]: { cipher: { kind: 'rc2', effectiveBits: 40, keyLength: 5, blockSize: 8 }, derivedKeyLength: 5, native: false },
};

/** The OIDs this module can write. */
export type Pkcs12PbeOid = typeof OID.pbeSha1TripleDes3Key;

async function deriveKeyIv(alg: PbeAlgorithm, password: Uint8Array, salt: Uint8Array, iterations: number, slicer: Slicer): Promise<{ key: Uint8Array; iv: Uint8Array }> {
  // Key and IV are independent derivations: run them together (two workers on long runs).
  let [key, iv] = await Promise.all([
    pkcs12Kdf('sha1', password, salt, KDF_ID.key, iterations, alg.derivedKeyLength, slicer),
    pkcs12Kdf('sha1', password, salt, KDF_ID.iv, iterations, 8, slicer),
  ]);
  if (alg.derivedKeyLength === 16 && alg.cipher.kind === 'node') key = Uint8Array.from([...key, ...key.subarray(0, 8)]);
  return { key, iv };
}

/** Parses pkcs-12PbeParams for one of the PKCS#12 PBE OIDs. */
export function parsePkcs12Pbe(oid: string, params: Element | undefined, what: string): EncryptionScheme {
  const alg = ALGORITHMS[oid];
  if (!alg) {
    throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected a 3DES or RC2 PKCS#12 PBE algorithm; found ${oidName(oid)}`, { details: { oid } });
  }
  if (!params) throw malformed(`${what}: expected pkcs-12PbeParams (salt, iterations); found none`);
  const kids = sequence(params, `${what} pkcs-12PbeParams`);
  const salt = octets(kids.next('salt'), `${what} salt`);
  const iterations = integer(kids.next('iterations'), `${what} iterations`);
  kids.end();
  return {
    oid,
    name: shortName(oid),
    iterations,
    nativeOpenSSL3: alg.native,
    async decrypt(password, data, slicer, label) {
      const { key, iv } = await deriveKeyIv(alg, password.bmp, salt, iterations, slicer);
      return cbcDecrypt(alg.cipher, key, iv, data, label);
    },
  };
}

/**
 * Encrypts with a PKCS#12 PBE algorithm (3DES only: localtls never writes RC2).
 * @returns the AlgorithmIdentifier DER and the ciphertext
 */
export async function pkcs12PbeEncrypt(oid: Pkcs12PbeOid, password: Uint8Array, salt: Uint8Array, iterations: number, data: Uint8Array, slicer = new Slicer()): Promise<{ algorithmId: Uint8Array; encrypted: Uint8Array }> {
  const alg = ALGORITHMS[oid]!;
  const { key, iv } = await deriveKeyIv(alg, password, salt, iterations, slicer);
  return { algorithmId: algorithm(oid, seq(octetString(salt), int(iterations))), encrypted: cbcEncrypt(alg.cipher, key, iv, data) };
}
