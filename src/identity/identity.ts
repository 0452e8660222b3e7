/**
 * Identity: a leaf certificate, the chain above it (leaf first) and the matching private key —
 * what Apple calls a SecIdentity, and what a listener or a client certificate needs.
 */
import { inspect } from 'node:util';
import { ConfigError, IdentityError } from '../errors.js';
import { describe } from '../internal/options.js';
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { PrivateKey } from './private-key.js';
import { orderChain } from './chain-order.js';
import { decodePKCS12, type DecodePKCS12Options } from './pkcs12/decode.js';
import { encodePKCS12, type EncodePKCS12Options } from './pkcs12/encode.js';

/** PEM text of an identity. */
export interface IdentityPem {
  /** The chain, leaf first, as concatenated CERTIFICATE blocks. */
  certificatePem: string;
  /** The private key as PKCS#8 PEM (encrypted when a passphrase was given). */
  keyPem: string;
}

/**
 * A certificate chain (leaf first) with the leaf's private key.
 *
 * @example
 * ```ts
 * const identity = Identity.fromPEM(chainPem, keyPem);          // chain may be in any order
 * const { certificatePem, keyPem } = identity.toPEM({ passphrase: 'secret' });
 * console.log(identity.certificate.subjectAltNames);
 * ```
 */
export class Identity {
  /** Leaf first, then its issuers, then any extra certificates. */
  readonly chain: readonly Certificate[];
  /** The private key of the leaf. */
  readonly privateKey: PrivateKey;
  /** A label or friendly name, when the identity came from a store or a PKCS#12 file. */
  readonly friendlyName: string | undefined;
  #tlsOptions: { key: string; cert: string } | undefined;

  private constructor(chain: Certificate[], privateKey: PrivateKey, friendlyName?: string) {
    this.chain = Object.freeze(chain);
    this.privateKey = privateKey;
    this.friendlyName = friendlyName;
    Object.freeze(this);
  }

  /** The leaf certificate. */
  get certificate(): Certificate {
    return this.chain[0]!;
  }

  /**
   * Builds an identity from certificates (any order, extras allowed) and a key. The leaf is the
   * certificate whose public key matches the key.
   * @throws IdentityError NO_CERTIFICATE, NO_KEY, KEY_MISMATCH
   */
  static fromParts(parts: { certificates: readonly CertificateInput[]; privateKey: PrivateKey; friendlyName?: string }): Identity {
    if (!parts || typeof parts !== 'object') throw new ConfigError('INVALID_OPTION', `identity parts: expected { certificates, privateKey }; found ${describe(parts)}`);
    if (!(parts.privateKey instanceof PrivateKey)) throw new IdentityError('NO_KEY', `identity: expected a private key; found ${describe(parts.privateKey)}`);
    const certificates = Certificate.fromList(parts.certificates ?? []);
    if (certificates.length === 0) throw new IdentityError('NO_CERTIFICATE', 'identity: expected at least one certificate; found none');
    const leaf = certificates.find((cert) => parts.privateKey.matches(cert));
    if (!leaf) {
      throw new IdentityError('KEY_MISMATCH', `identity: expected a certificate for the ${parts.privateKey.algorithm} private key; ` +
        `found ${certificates.length} certificate(s) (${certificates.map((c) => c.subject).join('; ')}) none of which carries its public key`);
    }
    return new Identity(orderChain(leaf, certificates), parts.privateKey, parts.friendlyName);
  }

  /**
   * Reads an identity from PEM: a chain (one or more CERTIFICATE blocks, any order) and a key
   * (PKCS#8, encrypted PKCS#8, SEC1 or PKCS#1). The key may also be inside `chainPem`.
   * @throws IdentityError MALFORMED, NO_KEY, KEY_MISMATCH, BAD_PASSWORD
   */
  static fromPEM(chainPem: string, keyPem?: string, passphrase?: string): Identity {
    const certificates = Certificate.fromPEMBundle(chainPem);
    const keyText = keyPem ?? chainPem;
    if (!/-----BEGIN (ENCRYPTED |EC |RSA )?PRIVATE KEY-----/.test(keyText)) {
      throw new IdentityError('NO_KEY', 'identity PEM: expected a PRIVATE KEY block; found none');
    }
    return Identity.fromParts({ certificates, privateKey: PrivateKey.fromPEM(keyText, passphrase) });
  }

  /**
   * Reads an identity from a PKCS#12 (.p12/.pfx) file written by OpenSSL 1.x/3.x, macOS, Windows,
   * Java or NSS (3DES, RC2, AES; SHA-1/2 MAC, PBMAC1, or no MAC). The key's certificate is found by
   * localKeyID, else by public key; the chain comes leaf first, extra certificates after it.
   * An empty or absent password tries both forms, as OpenSSL does. Key derivation never blocks
   * the event loop for long.
   *
   * @param password default: none
   * @param options.maxIterations refuse files declaring more iterations (default 2,000,000)
   * @param options.maxTotalIterations refuse files whose key derivations total more (default 4 × maxIterations)
   * @throws IdentityError BAD_PASSWORD, MALFORMED, UNSUPPORTED_ALGORITHM, NO_KEY, NO_CERTIFICATE,
   *   KEY_MISMATCH, ITERATIONS_TOO_HIGH, INPUT_TOO_LARGE
   *
   * @example
   * ```ts
   * const identity = await Identity.fromPKCS12(await readFile('server.p12'), 'secret');
   * ```
   */
  static async fromPKCS12(data: Uint8Array | ArrayBuffer, password?: string, options?: DecodePKCS12Options): Promise<Identity> {
    const decoded = await decodePKCS12(data, password, options);
    return Identity.fromParts({
      certificates: [...decoded.chain, ...decoded.extraCertificates],
      privateKey: decoded.privateKey,
      friendlyName: decoded.friendlyName,
    });
  }

  /**
   * Writes the identity as a password-protected PKCS#12 file (chain included, localKeyID and
   * friendlyName on the key and its certificate).
   *
   * @param options.profile 'compatible' (default: 3DES + SHA-1 MAC, read by every iOS/macOS,
   *   Android, Java, Windows and OpenSSL 3 without -legacy) or 'modern' (AES-256 + SHA-256 MAC;
   *   iOS 18+/macOS 15+ only). See docs/identity.md.
   * @param options.friendlyName default: this identity's friendlyName, else the leaf's common name
   * @param options.iterations 2048 to 2,000,000 (default 2048)
   * @throws ConfigError INVALID_OPTION
   *
   * @example
   * ```ts
   * const p12 = await identity.toPKCS12('secret');
   * await writeFile('server.p12', p12);
   * ```
   */
  async toPKCS12(password: string, options?: EncodePKCS12Options): Promise<Uint8Array> {
    return encodePKCS12(this, password, options);
  }

  /** The chain and key as PEM; the key is encrypted when `passphrase` is given. */
  toPEM(options: { passphrase?: string } = {}): IdentityPem {
    return { certificatePem: this.chain.map((c) => c.toPEM()).join(''), keyPem: this.privateKey.toPEM(options) };
  }

  /** A copy with another friendly name. */
  withFriendlyName(friendlyName: string | undefined): Identity {
    return new Identity([...this.chain], this.privateKey, friendlyName);
  }

  /**
   * `key` and `cert` for node:tls contexts (cached; the key stays in memory only). The chain sent
   * is the leaf and its intermediates; self-signed roots are left out (peers must already hold them).
   * A self-issued certificate that is not self-signed (a CA roll-over's cross certificate: the new
   * root's name and key, signed by the old root) is sent: old-root-only peers need it.
   */
  tlsOptions(): { key: string; cert: string } {
    this.#tlsOptions ??= { key: this.privateKey.toPEM(), cert: this.chain.filter((c, i) => i === 0 || !c.isSelfSigned).map((c) => c.toPEM()).join('') };
    return this.#tlsOptions;
  }

  /** A short description (never key material). */
  toString(): string {
    return `Identity(${this.certificate.subject}; ${this.chain.length} certificate(s); ${this.privateKey.algorithm})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** True when `value` is an Identity. */
export function isIdentity(value: unknown): value is Identity {
  return value instanceof Identity;
}

