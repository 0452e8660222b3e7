/**
 * `localtls/danger`: everything that weakens verification lives here, each under a name that says
 * what it gives up. Nothing in this module is needed for the normal flow.
 * @packageDocumentation
 */
import '../internal/crypto-engine.js';
export { acceptAnyPeerCertificate_INSECURE, skipHostnameCheck_INSECURE, pinFingerprintOnly_INSECURE } from './verify-hooks.js';
export { allowWeakKey } from './weak-keys.js';
