/**
 * PKCS#12 import, export and inspection. Most users call `Identity.fromPKCS12` /
 * `identity.toPKCS12`; `inspectPKCS12` explains a file without its password.
 *
 * @example
 * ```ts
 * const info = inspectPKCS12(bytes);               // no password needed
 * const decoded = await decodePKCS12(bytes, 'secret');
 * ```
 */
export { decodePKCS12, type DecodePKCS12Options, type DecodedPKCS12, type PKCS12Integrity } from './decode.js';
export { encodePKCS12, type EncodePKCS12Options, type PKCS12Source } from './encode.js';
export { inspectPKCS12, type PKCS12Inspection, type PKCS12ContentsInfo, type PKCS12BagInfo } from './inspect.js';
export { PKCS12_PROFILES, DEFAULT_PKCS12_PROFILE, PROFILES as PKCS12_PROFILE_SPECS, type PKCS12Profile, type PKCS12ProfileSpec } from './profiles.js';
export { DEFAULT_MAX_ITERATIONS, MAX_PKCS12_BYTES } from './limits.js';
