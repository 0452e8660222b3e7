/** The password-based encryption schemes a PKCS#12 file may name, behind one interface. */
import { IdentityError } from '../../errors.js';
import { Children, oid, sequence, type Element } from './asn1.js';
import type { Slicer } from './kdf.js';
import { OID, oidName } from './oids.js';
import type { PasswordCandidate } from './password.js';
import { parsePkcs12Pbe } from './pbe.js';
import { parsePbes2 } from './pbes2.js';

/** A parsed encryption AlgorithmIdentifier, ready to decrypt once a password is known. */
export interface EncryptionScheme {
  /** OID of the outer algorithm. */
  readonly oid: string;
  /** Readable description, e.g. "PBES2 (PBKDF2-hmacWithSHA256, aes-256-cbc)". */
  readonly name: string;
  /** Iteration count (checked against maxIterations before decrypt is called). */
  readonly iterations: number;
  /** True when OpenSSL 3's default provider (and so Node) can decrypt it. */
  readonly nativeOpenSSL3: boolean;
  /** Set when localtls cannot decrypt this scheme (decoders throw it before any key derivation). */
  readonly unsupported?: IdentityError;
  /** Derives the key and decrypts; BAD_PASSWORD on bad padding. */
  decrypt(password: PasswordCandidate, data: Uint8Array, slicer: Slicer, what: string): Promise<Uint8Array>;
}

/** Parses an AlgorithmIdentifier naming a password-based encryption scheme. */
export function parseEncryptionAlgorithm(el: Element, what: string): EncryptionScheme {
  const kids: Children = sequence(el, `${what} algorithm`);
  const algorithm = oid(kids.next('algorithm OID'), `${what} algorithm`);
  const params = kids.done ? undefined : kids.next('parameters');
  kids.end();
  try {
    if (algorithm.startsWith('1.2.840.113549.1.12.1.')) return parsePkcs12Pbe(algorithm, params, what);
    if (algorithm === OID.pbes2) {
      if (!params) throw new IdentityError('MALFORMED', `PKCS#12: ${what}: expected PBES2 parameters; found none`);
      return parsePbes2(params, what);
    }
  } catch (error) {
    if (error instanceof IdentityError && error.code === 'UNSUPPORTED_ALGORITHM') return unsupportedScheme(algorithm, error);
    throw error;
  }
  return unsupportedScheme(algorithm, new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${what}: expected PBES2 or a PKCS#12 PBE algorithm (3DES, RC2); found ${oidName(algorithm)}`, {
    hint: 'convert the file with: openssl pkcs12 -legacy -in old.p12 -nodes | openssl pkcs12 -export -out new.p12',
    details: { oid: algorithm },
  }));
}

/** A scheme localtls cannot decrypt: inspect reports it, decode throws its error. */
function unsupportedScheme(algorithm: string, error: IdentityError): EncryptionScheme {
  const oid = typeof error.details?.['oid'] === 'string' ? error.details['oid'] : algorithm;
  return {
    oid: algorithm,
    name: `unsupported: ${oidName(oid)}`,
    iterations: 1,
    nativeOpenSSL3: false,
    unsupported: error,
    async decrypt() { throw error; },
  };
}
