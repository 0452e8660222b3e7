/** Shared setup for the pairing tests: one CA, an endpoint on loopback, a device enrolling against it. */
import { CertificateAuthority, startEnrollment, type Enrollment, type EnrollmentOptions, type EnrollmentRequest } from '../../src/index.js';

let shared: Promise<CertificateAuthority> | undefined;
/** One CA for every pairing test (key generation is the slow part). */
export function pairingCa(): Promise<CertificateAuthority> {
  return (shared ??= CertificateAuthority.create({ commonName: 'Pairing Test CA' }));
}

/** An endpoint on 127.0.0.1 that approves every request as a client and records what it saw. */
export async function endpoint(extra: Partial<EnrollmentOptions> = {}): Promise<{ enrollment: Enrollment; requests: EnrollmentRequest[]; refused: string[] }> {
  const requests: EnrollmentRequest[] = [];
  const refused: string[] = [];
  const enrollment = await startEnrollment({
    ca: await pairingCa(), host: '127.0.0.1', approve: (request) => { requests.push(request); return { profile: 'client' }; }, ...extra,
  });
  enrollment.on('refused', (error: { code: string }) => refused.push(error.code));
  return { enrollment, requests, refused };
}

/** A code that is surely not `code` (same format). */
export function otherCode(code: string): string {
  return code.startsWith('2') ? `3${code.slice(1)}` : `2${code.slice(1)}`;
}
