/**
 * PKCS#12 export in one of two profiles (profiles.ts): the certificates (leaf first, CA
 * certificates included) in one encrypted SafeContents, the key in a pkcs8ShroudedKeyBag, a
 * localKeyID (SHA-1 of the leaf certificate, as OpenSSL writes) on the key and on its
 * certificate, a friendlyName on both, and a password MAC.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConfigError } from '../../errors.js';
import { describe, integerIn, knownKeys, oneOf } from '../../internal/options.js';
import type { Certificate } from '../../cert/certificate.js';
import type { PrivateKey } from '../private-key.js';
import { bmp, explicit, int, objectId, octetString, seq, setOf, tlv } from './asn1.js';
import { Slicer } from './kdf.js';
import { buildMacData, buildPbmac1MacData } from './mac.js';
import { OID } from './oids.js';
import { bmpPassword } from './password.js';
import { pkcs12PbeEncrypt } from './pbe.js';
import { pbes2Encrypt } from './pbes2.js';
import { DEFAULT_PKCS12_PROFILE, ITERATION_RANGE, PKCS12_PROFILES, PROFILES, type PKCS12Profile } from './profiles.js';

/** Options of {@link Identity.toPKCS12} when writing a PKCS#12 file. */
export interface EncodePKCS12Options {
  /** 'compatible' (default; 3DES + SHA-1 MAC, read everywhere) or 'modern' (AES-256 + SHA-256 MAC). */
  profile?: PKCS12Profile;
  /** Label shown by Keychain Access / certmgr (default: the identity's friendlyName, else the leaf's common name, else "localtls identity"). */
  friendlyName?: string;
  /** Iterations for the MAC and the encryption, 2048 to 2,000,000 (default 2048, the value OpenSSL and Apple use). */
  iterations?: number;
}

/** What encodePKCS12 needs from an identity (structural, so Identity need not be imported here). */
export interface PKCS12Source {
  readonly chain: readonly Certificate[];
  readonly privateKey: PrivateKey;
  readonly friendlyName?: string | undefined;
}

/** Low-level parts, for tests and tools that need unusual files. @internal */
export interface PKCS12Parts {
  keyPkcs8: Uint8Array;
  keyAttributes: { localKeyId?: Uint8Array; friendlyName?: string };
  certificates: { der: Uint8Array; localKeyId?: Uint8Array; friendlyName?: string }[];
  profile: PKCS12Profile;
  password: string;
  iterations: number;
  /** 'pbmac1' writes an RFC 9579 MAC (PBKDF2-HMAC-SHA256, HMAC-SHA256) instead of the profile's. */
  mac?: 'profile' | 'pbmac1' | 'none';
}

function attributes(attrs: { localKeyId?: Uint8Array | undefined; friendlyName?: string | undefined }): Uint8Array[] {
  const list: Uint8Array[] = [];
  if (attrs.friendlyName !== undefined) list.push(seq(objectId(OID.friendlyName), setOf(bmp(attrs.friendlyName))));
  if (attrs.localKeyId !== undefined) list.push(seq(objectId(OID.localKeyId), setOf(octetString(attrs.localKeyId))));
  return list.length > 0 ? [setOf(...list)] : [];
}

function safeBag(type: string, value: Uint8Array, attrs: { localKeyId?: Uint8Array; friendlyName?: string }): Uint8Array {
  return seq(objectId(type), explicit(0, value), ...attributes(attrs));
}

const dataInfo = (bytes: Uint8Array): Uint8Array => seq(objectId(OID.data), explicit(0, octetString(bytes)));

async function encrypt(profile: PKCS12Profile, password: string, iterations: number, data: Uint8Array, slicer: Slicer): Promise<{ algorithmId: Uint8Array; encrypted: Uint8Array }> {
  if (PROFILES[profile].encryption === 'pbe-sha1-3des') {
    return pkcs12PbeEncrypt(OID.pbeSha1TripleDes3Key, bmpPassword(password), new Uint8Array(randomBytes(8)), iterations, data, slicer);
  }
  return pbes2Encrypt(new Uint8Array(Buffer.from(password, 'utf8')), data, {
    salt: new Uint8Array(randomBytes(16)), iv: new Uint8Array(randomBytes(16)), iterations, prf: 'sha256', cipher: 'aes-256-cbc',
  });
}

/** Builds a PFX from raw parts (no validation beyond types). @internal */
export async function encodePKCS12Parts(parts: PKCS12Parts): Promise<Uint8Array> {
  const slicer = new Slicer();
  const { profile, password, iterations } = parts;
  const certBags = parts.certificates.map((c) =>
    safeBag(OID.certBag, seq(objectId(OID.x509Certificate), explicit(0, octetString(c.der))), c));
  const certs = await encrypt(profile, password, iterations, seq(...certBags), slicer);
  const encryptedData = seq(int(0), seq(objectId(OID.data), certs.algorithmId, tlv(0x80, certs.encrypted)));
  const certInfo = seq(objectId(OID.encryptedData), explicit(0, encryptedData));
  const key = await encrypt(profile, password, iterations, parts.keyPkcs8, slicer);
  const keyBag = safeBag(OID.pkcs8ShroudedKeyBag, seq(key.algorithmId, octetString(key.encrypted)), parts.keyAttributes);
  const authSafe = seq(certInfo, dataInfo(seq(keyBag)));
  const salt = new Uint8Array(randomBytes(profile === 'modern' ? 16 : 8));
  let macData: Uint8Array[] = [];
  if (parts.mac === 'pbmac1') macData = [await buildPbmac1MacData('sha256', 'sha256', new Uint8Array(Buffer.from(password, 'utf8')), salt, iterations, authSafe)];
  else if (parts.mac !== 'none') macData = [await buildMacData(PROFILES[profile].macHash, bmpPassword(password), salt, iterations, authSafe, slicer)];
  return seq(int(3), dataInfo(authSafe), ...macData);
}

/**
 * Writes an identity (certificate chain + private key) as a password-protected PKCS#12 file.
 *
 * @param password a non-empty string; non-ASCII is encoded as RFC 7292 and OpenSSL 1.1+ do
 * @param options.profile default 'compatible'
 * @param options.iterations default 2048
 * @throws ConfigError INVALID_OPTION for a bad password or option
 *
 * @example
 * ```ts
 * const p12 = await encodePKCS12(identity, 'secret');                          // compatible
 * const p12Modern = await encodePKCS12(identity, 'secret', { profile: 'modern' });
 * ```
 */
export async function encodePKCS12(identity: PKCS12Source, password: string, options: EncodePKCS12Options = {}): Promise<Uint8Array> {
  if (typeof password !== 'string' || password.length === 0) {
    throw new ConfigError('INVALID_OPTION', `password: expected a non-empty string; found ${typeof password === 'string' ? 'an empty string' : describe(password)}`, {
      hint: 'a PKCS#12 file without a password protects nothing; choose one and share it separately',
    });
  }
  if (options === null || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `PKCS#12 options: expected an object; found ${describe(options)}`);
  knownKeys('PKCS#12 options', options, ['profile', 'friendlyName', 'iterations']);
  const profile = options.profile === undefined ? DEFAULT_PKCS12_PROFILE : oneOf('profile', options.profile, PKCS12_PROFILES);
  const iterations = options.iterations === undefined ? PROFILES[profile].defaultIterations : integerIn('iterations', options.iterations, ITERATION_RANGE.min, ITERATION_RANGE.max);
  if (options.friendlyName !== undefined && (typeof options.friendlyName !== 'string' || options.friendlyName.length === 0 || options.friendlyName.length > 256)) {
    throw new ConfigError('INVALID_OPTION', `friendlyName: expected a string of 1 to 256 characters; found ${describe(options.friendlyName)}`);
  }
  if (!identity || !Array.isArray(identity.chain) || identity.chain.length === 0 || !identity.privateKey) {
    throw new ConfigError('INVALID_OPTION', `identity: expected an Identity with a certificate chain and a private key; found ${describe(identity)}`);
  }
  const leaf = identity.chain[0]!;
  const friendlyName = options.friendlyName ?? identity.friendlyName ?? leaf.commonName ?? 'localtls identity';
  const localKeyId = new Uint8Array(createHash('sha1').update(leaf.der).digest());
  return encodePKCS12Parts({
    keyPkcs8: identity.privateKey.toPKCS8(),
    keyAttributes: { localKeyId, friendlyName },
    certificates: identity.chain.map((c, i) => (i === 0 ? { der: c.der, localKeyId, friendlyName } : { der: c.der })),
    profile,
    password,
    iterations,
  });
}
