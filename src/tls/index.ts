/**
 * The TLS layer: version floor, cipher list, node:tls option building, verify-hook plumbing and
 * the client session cache. The transport layer builds on it.
 * @example
 * ```ts
 * import { CIPHER_LIST, resolveMinVersion } from './tls/index.js';
 * ```
 */
export { DEFAULT_MIN_VERSION, MAX_VERSION, resolveMinVersion, type TlsVersion } from './versions.js';
export { CIPHER_LIST, TLS12_CIPHERS, TLS13_CIPHERSUITES } from './ciphers.js';
export { baseTlsOptions, clientSecureContext, type BaseTlsOptions } from './secure-options.js';
export { resolveAnchors, systemRootCertificates, type AnchorOptions, type ResolvedAnchors } from './anchors.js';
export { createVerifyContext, type TlsVerifyContext, type TlsVerifyHook, type VerifyFacts } from './verify-context.js';
export { clientVerificationOptions, serverVerificationOptions, verifyPeer, verifyPeerNow, CLIENT_CERTIFICATE_POLICY, DEFAULT_VERIFY_TIMEOUT_MS, type VerifyRequest, type VerifyOutcome } from './verify-hook.js';
export { peerChain } from './peer-chain.js';
export { SessionCache, defaultSessionCache, sessionKey, hookId, type SessionEntry, type SessionKeyParts } from './session-cache.js';
