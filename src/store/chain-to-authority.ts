/**
 * The check behind a known-hosts CA entry: does a presented chain lead to one of the CAs recorded
 * for the host? A basic X.509 walk — issuer names, signatures, validity dates and the CA flag on
 * issuers — without hostname or policy checks (the entry's scope already names the host).
 */
import type { Certificate } from '../cert/certificate.js';
import { verifyCertificateSignature } from '../cert/signature.js';

/** How many certificates the walk follows from the leaf before giving up. */
const MAX_DEPTH = 8;

/**
 * True when `chain` (leaf first, as sent) leads to one of `authorities` at `time`: the leaf (or
 * an intermediate from the chain) is an authority itself or is signed by a valid authority, and
 * every certificate on the way is valid at `time` and signed by the next, a CA. At most 8 steps.
 *
 * @example
 * ```ts
 * if (chainsToAuthority(ctx.peerCertificates, [recordedCa], new Date())) console.log('issued by the recorded CA');
 * ```
 */
export function chainsToAuthority(chain: readonly Certificate[], authorities: readonly Certificate[], time: Date): boolean {
  let current = chain[0]!;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (!validAt(current, time)) return false;
    if (authorities.some((ca) => ca.fingerprintSha256 === current.fingerprintSha256)) return true;
    if (authorities.some((ca) => validAt(ca, time) && issuedBy(current, ca))) return true;
    const next = chain.find((c) => c !== current && c.isCA && issuedBy(current, c));
    if (!next) return false;
    current = next;
  }
  return false;
}

function issuedBy(cert: Certificate, issuer: Certificate): boolean {
  if (!issuer.isCA || Buffer.compare(cert.issuerDer, issuer.subjectDer) !== 0) return false;
  try {
    return verifyCertificateSignature(cert, issuer.publicKeyObject());
  } catch {
    return false;
  }
}

function validAt(cert: Certificate, time: Date): boolean {
  return cert.notBefore.getTime() <= time.getTime() && time.getTime() <= cert.notAfter.getTime();
}
