/** Stores: identities under labels (encrypted), installed roots, known hosts (trust on first use). */
export { IdentityStore, type IdentityStoreOptions, type StoredIdentityInfo, type AddIdentityOptions, type StoreProblem } from './identity-store.js';
export { TrustStore, installedRootsSync, type TrustStoreOptions, type TrustedRoot } from './trust-store.js';
export { KnownHosts, type KnownHost, type KnownAuthority, type KnownHostCheck, type KnownHostsOptions } from './known-hosts.js';
export { tofu, type TofuOptions, type TofuApproval, type TofuVerifyContext } from './tofu.js';
export { localtlsHome, storePaths, type HomeOptions, type StorePaths } from './paths.js';
export { DEFAULT_KDF, type KdfParams } from './item-crypto.js';
export { DEFAULT_LOCK_TIMEOUT_MS, DEFAULT_LOCK_STALE_MS, type LockOptions } from './lock.js';
export { expiryWarning, EXPIRY_WARNING_DAYS } from './expiry.js';
export { recordRenewal, renewalStatus, RENEWAL_STATUS_FILE, type RenewalOutcome, type RenewalStatus } from './renewal-status.js';
