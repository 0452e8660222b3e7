/**
 * localtls: TLS on the local network for Node.js — a local certificate authority, server and
 * device identities, PKCS#12 every platform reads, and a verified listener and client.
 *
 * Importing this module configures the crypto engines (see src/internal/crypto-engine.ts) and
 * has no other side effect.
 *
 * @example
 * ```ts
 * import { CertificateAuthority } from 'localtls';
 * const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
 * const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });
 * ```
 * @packageDocumentation
 */
import './internal/crypto-engine.js';

export { LocalTlsError, ConfigError, IdentityError, TrustError, ConnectionError, isLocalTlsError, type ErrorCode, type ErrorOptions } from './errors.js';
export { Certificate, type CertificateInput, type CertificateExtension } from './cert/certificate.js';
export { hostToSan, hostsToSans, type SubjectAltName } from './cert/host-name.js';
export { hostMatchesSans } from './cert/name-match.js';
export type { KeyUsageName, PublicKeyInfo } from './cert/algorithms.js';
export { PrivateKey } from './identity/private-key.js';
export { KEY_ALGORITHMS, DEFAULT_KEY_ALGORITHM, type KeyAlgorithm, type PrivateKeyAlgorithm } from './identity/key-algorithm.js';
export { Identity, isIdentity, type IdentityPem } from './identity/identity.js';
export { inspectPKCS12, PKCS12_PROFILES, DEFAULT_PKCS12_PROFILE, type PKCS12Inspection, type PKCS12Profile, type DecodePKCS12Options, type EncodePKCS12Options } from './identity/pkcs12/index.js';
export * from './ca/index.js';
export * from './trust/index.js';
export * from './store/index.js';
export * from './discovery/index.js';
export * from './transport/index.js';
export { SessionCache, defaultSessionCache, CIPHER_LIST, DEFAULT_MIN_VERSION, type TlsVersion, type TlsVerifyContext, type TlsVerifyHook } from './tls/index.js';
export * from './pairing/index.js';
