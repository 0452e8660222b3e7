/**
 * The one key-strength policy: which keys are too weak to be *used* (to serve TLS, to
 * authenticate a client, to sign or be certified by a CA). Reading is not using: PKCS#12 and PEM
 * import any well-formed key; lint and inspection flag weak ones; the use sites refuse them with
 * WEAK_KEY unless `localtls/danger`'s `allowWeakKey` named the holder.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { IdentityError } from '../errors.js';
import { publicKeyInfoOf, type PublicKeyInfo } from '../cert/algorithms.js';
import type { Identity } from './identity.js';

/** Smallest RSA modulus accepted for use: 2048 bits. */
export const MIN_RSA_BITS = 2048;

/** EC curves accepted for use. */
export const STRONG_CURVES: readonly string[] = Object.freeze(['P-256', 'P-384', 'P-521']);

/** What a strong key is, for messages. */
export const STRONG_KEYS = `RSA of at least ${MIN_RSA_BITS} bits, EC on P-256, P-384 or P-521, or Ed25519`;

/**
 * Why a key is too weak to use, or undefined when it is strong enough: RSA (and RSA-PSS) below
 * 2048 bits, EC on a curve other than P-256/P-384/P-521, DSA. Ed25519 (and Ed448) are strong.
 * Accepts a Node KeyObject (public or private), SubjectPublicKeyInfo DER (a CSR's key) or the
 * public-key facts of a Certificate.
 *
 * @example
 * ```ts
 * keyWeakness(identity.privateKey.keyObject());   // undefined, or 'a 1024-bit RSA key'
 * keyWeakness(certificate.publicKey);             // the same policy for a certificate's key
 * ```
 */
export function keyWeakness(key: KeyToJudge): string | undefined {
  const info = key instanceof Uint8Array
    ? publicKeyInfoOf(() => createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' }), 'unknown')
    : 'asymmetricKeyType' in key ? publicKeyInfoOf(() => key, 'unknown') : key;
  if (info.type === 'rsa' || info.type === 'rsa-pss') {
    return (info.bits ?? 0) < MIN_RSA_BITS ? `a ${info.bits ?? 0}-bit ${info.type === 'rsa' ? 'RSA' : 'RSA-PSS'} key` : undefined;
  }
  if (info.type === 'ec') return STRONG_CURVES.includes(info.curve ?? '') ? undefined : `an EC key on curve ${info.curve ?? 'unknown'}`;
  if (info.type === 'dsa') return 'a DSA key';
  return undefined;
}

/** A key to judge: a KeyObject, SubjectPublicKeyInfo DER, or a certificate's public-key facts. */
export type KeyToJudge = KeyObject | Uint8Array | PublicKeyInfo;

/** Holders (identities, private keys, CAs) that `allowWeakKey` named. */
const permitted = new WeakSet<object>();

/**
 * Lets `holder` use a weak key: what `localtls/danger`'s `allowWeakKey` does. Internal: import
 * it from `localtls/danger`, where its name says what it gives up.
 *
 * @example
 * ```ts
 * permitWeakKey(legacyIdentity);
 * ```
 * @returns `holder`
 */
export function permitWeakKey<T extends object>(holder: T): T {
  permitted.add(holder);
  return holder;
}

/**
 * Refuses a weak key ({@link keyWeakness}) at a place that uses it, unless one of `holders` was
 * named by `allowWeakKey`.
 *
 * @param key the key about to be used
 * @param use what it is used for, e.g. 'createListener identity'
 * @param holders the objects a caller may have allowed (the identity, its private key, the CA)
 * @example
 * ```ts
 * requireStrongKey(identity.privateKey.keyObject(), 'createListener identity', identity, identity.privateKey);
 * ```
 * @throws IdentityError WEAK_KEY
 */
export function requireStrongKey(key: KeyToJudge, use: string, ...holders: object[]): void {
  const weakness = keyWeakness(key);
  if (weakness === undefined || holders.some((h) => permitted.has(h))) return;
  throw new IdentityError('WEAK_KEY', `${use}: expected ${STRONG_KEYS}; found ${weakness}`, {
    hint: 'issue a new identity (ca.issue() makes an EC P-256 key) and move the device to it; to use this key anyway (a legacy device you cannot re-key), wrap it with allowWeakKey() from localtls/danger',
    details: { weakness },
  });
}

/**
 * {@link requireStrongKey} for an identity about to be used (to listen with, or as a client
 * certificate): its private key, allowed when the identity or its key was named by `allowWeakKey`.
 *
 * @example
 * ```ts
 * requireStrongIdentity(options.identity, 'createListener identity');
 * ```
 * @throws IdentityError WEAK_KEY
 */
export function requireStrongIdentity(identity: Identity, use: string): void {
  requireStrongKey(identity.privateKey.keyObject(), use, identity, identity.privateKey);
}
