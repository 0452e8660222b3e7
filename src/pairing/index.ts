/**
 * Pairing: network enrollment of devices with a short one-time code (see docs/enrollment.md).
 *
 * @example
 * ```ts
 * import { startEnrollment, enroll } from 'localtls';
 * const enrollment = await startEnrollment({ ca, approve: () => ({ profile: 'client' }) });
 * const { identity, root } = await enroll({ host: '127.0.0.1', port: enrollment.port, code: enrollment.code });
 * ```
 */
export { startEnrollment, Enrollment, type EnrollmentOptions, type EnrollmentRequest, type EnrollmentDecision, type EnrolledDevice } from './enrollment.js';
export { enroll, type EnrollOptions, type EnrollResult } from './enroll.js';
export { newPairingCode, normalizePairingCode, PAIRING_CODE_LENGTH } from './code.js';
export { DEFAULT_CODE_TTL_MS, DEFAULT_MAX_ATTEMPTS, type CodeStatus } from './code-state.js';
export { renewIdentity, renewIdentityAndRoot, keepRenewed, RenewalSchedule, type RenewOptions, type RenewResult, type KeepRenewedOptions } from './renew.js';
