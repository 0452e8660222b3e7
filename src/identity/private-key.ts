/**
 * PrivateKey: a private key held as a Node KeyObject. Generates, imports (PKCS#8 plain or
 * encrypted, SEC1 EC, PKCS#1 RSA) and exports (PKCS#8, optionally encrypted with PBES2
 * AES-256-CBC + PBKDF2-HMAC-SHA256). Its key material never appears in logs or errors.
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { inspect, promisify } from 'node:util';
import { ConfigError, IdentityError, LocalTlsError } from '../errors.js';
import { bytesEqual, isBinary, toBytes, type BinaryInput } from '../internal/bytes.js';
import { subtle } from '../internal/crypto-engine.js';
import { decodePem, looksLikePem } from '../internal/pem.js';
import { checkInputSize, DEFAULT_MAX_DER_BYTES } from '../internal/limits.js';
import { describe } from '../internal/options.js';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { checkKeyAlgorithm, DEFAULT_KEY_ALGORITHM, webCryptoImportParams, type KeyAlgorithm, type PrivateKeyAlgorithm } from './key-algorithm.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const KEY_LABELS = ['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY'];

function algorithmOf(key: KeyObject): PrivateKeyAlgorithm {
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'ed25519') return 'ed25519';
  if (type === 'ec') {
    if (details.namedCurve === 'prime256v1') return 'ecdsa-p256';
    if (details.namedCurve === 'secp384r1') return 'ecdsa-p384';
    if (details.namedCurve === 'secp521r1') return 'ecdsa-p521';
    throw new IdentityError('UNSUPPORTED_ALGORITHM', `private key: expected an EC key on P-256, P-384 or P-521; found curve ${details.namedCurve ?? 'unknown'}`);
  }
  // Any RSA size is read (reading is not using): key-strength.ts refuses weak keys where they are used.
  if (type === 'rsa') return `rsa-${details.modulusLength ?? 0}`;
  throw new IdentityError('UNSUPPORTED_ALGORITHM', `private key: expected RSA, EC (P-256/384/521) or Ed25519; found ${type ?? 'an unknown type'}`);
}

/** Maps OpenSSL's key-decoding failures to typed errors. */
function importError(error: unknown, encrypted: boolean, hasPassphrase: boolean): LocalTlsError {
  const code = (error as { code?: string }).code ?? '';
  if (encrypted && !hasPassphrase) {
    return new IdentityError('BAD_PASSWORD', 'private key: expected a passphrase for this encrypted key; found none', { hint: 'pass the passphrase the key was exported with' });
  }
  if (encrypted || code === 'ERR_OSSL_BAD_DECRYPT' || code === 'ERR_MISSING_PASSPHRASE') {
    return new IdentityError('BAD_PASSWORD', 'private key: the passphrase does not decrypt this key (wrong passphrase or damaged file)');
  }
  return new IdentityError('MALFORMED', `private key: expected PKCS#8, SEC1 or PKCS#1 key data; found data OpenSSL cannot decode (${code || 'decode error'})`, { cause: error });
}

/**
 * A private key (ECDSA P-256/384/521, RSA, Ed25519). RSA keys below 2048 bits are read from files
 * but refused where they would be used (WEAK_KEY), unless `localtls/danger`'s `allowWeakKey` names them.
 *
 * @example
 * ```ts
 * const key = await PrivateKey.generate('ecdsa-p256');       // default algorithm
 * const pem = key.toPEM({ passphrase: 'secret' });           // encrypted PKCS#8
 * const same = PrivateKey.fromPEM(pem, 'secret');
 * ```
 */
export class PrivateKey {
  /** The algorithm name. */
  /** The algorithm name: one of {@link KeyAlgorithm}, or `rsa-<bits>` for an RSA key of another size read from a file. */
  readonly algorithm: PrivateKeyAlgorithm;
  readonly #key: KeyObject;
  #spki: Uint8Array | undefined;
  #pkcs8: Uint8Array | undefined;
  #cryptoKey: Promise<unknown> | undefined;

  private constructor(key: KeyObject) {
    this.#key = key;
    this.algorithm = algorithmOf(key);
    Object.freeze(this);
  }

  /**
   * Generates a new key off the main thread.
   * @param algorithm default 'ecdsa-p256'
   */
  static async generate(algorithm: KeyAlgorithm = DEFAULT_KEY_ALGORITHM): Promise<PrivateKey> {
    const alg = checkKeyAlgorithm('keyAlgorithm', algorithm);
    let pair: { privateKey: KeyObject };
    if (alg === 'ed25519') pair = await generateKeyPairAsync('ed25519');
    else if (alg.startsWith('ecdsa-')) {
      pair = await generateKeyPairAsync('ec', { namedCurve: { 'ecdsa-p256': 'prime256v1', 'ecdsa-p384': 'secp384r1', 'ecdsa-p521': 'secp521r1' }[alg as 'ecdsa-p256'] });
    } else pair = await generateKeyPairAsync('rsa', { modulusLength: Number(alg.slice(4)), publicExponent: 65537 });
    return new PrivateKey(pair.privateKey);
  }

  /** Wraps a Node KeyObject (must be a private key). */
  static fromKeyObject(key: KeyObject): PrivateKey {
    if (key?.type !== 'private') throw new ConfigError('INVALID_OPTION', `privateKey: expected a private KeyObject; found ${describe(key?.type ?? key)}`);
    return new PrivateKey(key);
  }

  /** Imports PKCS#8 DER (unencrypted). @throws MALFORMED, UNSUPPORTED_ALGORITHM */
  static fromPKCS8(der: BinaryInput): PrivateKey {
    if (!isBinary(der)) throw new IdentityError('MALFORMED', `private key: expected PKCS#8 DER bytes; found ${describe(der)}`);
    checkInputSize('private key', toBytes(der).length, undefined, DEFAULT_MAX_DER_BYTES);
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: Buffer.from(toBytes(der)), format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw importError(error, false, false);
    }
    return new PrivateKey(key);
  }

  /**
   * Imports a PEM private key: PKCS#8 ("PRIVATE KEY"), encrypted PKCS#8 ("ENCRYPTED PRIVATE KEY"),
   * SEC1 ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"), legacy-encrypted included.
   * @throws IdentityError MALFORMED, BAD_PASSWORD, UNSUPPORTED_ALGORITHM, NO_KEY
   */
  static fromPEM(pem: string, passphrase?: string): PrivateKey {
    if (typeof pem !== 'string' || !looksLikePem(pem)) {
      throw new IdentityError('MALFORMED', `private key: expected PEM text with "-----BEGIN PRIVATE KEY-----"; found ${describe(pem)}`);
    }
    checkInputSize('private key PEM', pem.length, undefined, DEFAULT_MAX_DER_BYTES * 2);
    const block = decodePem(pem, 'private key PEM').find((b) => KEY_LABELS.includes(b.label));
    if (!block) throw new IdentityError('NO_KEY', `private key PEM: expected one of ${KEY_LABELS.join(', ')} blocks; found none`);
    const encrypted = block.label === 'ENCRYPTED PRIVATE KEY' || (block.headers['Proc-Type'] ?? '').includes('ENCRYPTED');
    let key: KeyObject;
    try {
      key = createPrivateKey(encrypted ? { key: pem, format: 'pem', passphrase: passphrase ?? '' } : { key: pem, format: 'pem' });
    } catch (error) {
      throw importError(error, encrypted, passphrase !== undefined);
    }
    return new PrivateKey(key);
  }

  /** The Node KeyObject (for node:tls and node:crypto). */
  keyObject(): KeyObject {
    return this.#key;
  }

  /** Unencrypted PKCS#8 DER (a copy). */
  toPKCS8(): Uint8Array {
    this.#pkcs8 ??= new Uint8Array(this.#key.export({ format: 'der', type: 'pkcs8' }));
    return new Uint8Array(this.#pkcs8);
  }

  /**
   * PKCS#8 PEM. With a passphrase: "ENCRYPTED PRIVATE KEY", PBES2 with AES-256-CBC and
   * PBKDF2-HMAC-SHA256 (OpenSSL's defaults for this cipher).
   */
  toPEM(options: { passphrase?: string } = {}): string {
    if (options.passphrase !== undefined) {
      if (typeof options.passphrase !== 'string' || options.passphrase.length === 0) {
        throw new ConfigError('INVALID_OPTION', 'passphrase: expected a non-empty string');
      }
      return this.#key.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: options.passphrase }) as string;
    }
    return this.#key.export({ format: 'pem', type: 'pkcs8' }) as string;
  }

  /** The SubjectPublicKeyInfo DER of the matching public key. */
  spki(): Uint8Array {
    this.#spki ??= new Uint8Array(createPublicKey(this.#key).export({ format: 'der', type: 'spki' }));
    return this.#spki;
  }

  /** The public key as a KeyObject. */
  publicKeyObject(): KeyObject {
    return createPublicKey(this.#key);
  }

  /** True when the certificate carries this key's public key. */
  matches(certificate: CertificateInput): boolean {
    return bytesEqual(Certificate.from(certificate).spki, this.spki());
  }

  /** A WebCrypto CryptoKey for signing (cached). Internal use by the CA layer. */
  async toCryptoKey(): Promise<unknown> {
    this.#cryptoKey ??= subtle.importKey('pkcs8', this.toPKCS8(), webCryptoImportParams(this.algorithm) as never, false, ['sign']);
    return this.#cryptoKey;
  }

  /** Never prints key material. */
  toString(): string {
    return `PrivateKey(${this.algorithm})`;
  }

  /** Never serialises key material. */
  toJSON(): { algorithm: PrivateKeyAlgorithm } {
    return { algorithm: this.algorithm };
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
