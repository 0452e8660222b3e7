/**
 * Trust evaluation: path building, per-certificate checks, policies, verdicts with explanations,
 * a verdict cache and public-key pinning.
 *
 * @example
 * ```ts
 * import { evaluateTrust } from './trust/index.js';
 * const result = await evaluateTrust(chain, { anchors: [root], policy: { kind: 'basicX509' } });
 * ```
 */
export { evaluateTrust, evaluateTrustSync, type CertificateList, type EvaluateTrustOptions } from './evaluate.js';
export { resolvePolicy, type BasicX509Policy, type SslPolicy, type TrustPolicy, type ResolvedPolicy } from './policy.js';
export { makeTrustResult, TRUST_CODES, type TrustCode, type TrustFinding, type TrustResult } from './result.js';
export { clearTrustCache } from './cache.js';
export { spkiSha256, checkPins, pinnedKeys, type PinnedKeysOptions } from './pinning.js';
export type { VerifyContext, VerifyHook } from './verify-context.js';
export { nameConstraintViolations } from './name-constraints.js';
export { MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS } from './path-builder.js';
