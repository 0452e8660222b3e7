/** The explanation when no path reaches an anchor: NOT_TRUSTED, or BAD_SIGNATURE when that is why. */
import type { Certificate } from '../cert/certificate.js';
import { certLabel, shortSpki } from './describe.js';
import type { PathSearch, RejectedIssuer } from './path-builder.js';
import { checkSignature } from './signature-check.js';

function roots(count: number): string {
  return `${count} trusted root${count === 1 ? '' : 's'}`;
}

function sameKeyId(child: Certificate, issuer: Certificate): boolean {
  return !child.authorityKeyIdentifier || !issuer.subjectKeyIdentifier || child.authorityKeyIdentifier === issuer.subjectKeyIdentifier;
}

/**
 * Explains why `partial` (the longest path found, leaf first) reaches no anchor.
 * @example `notTrustedFinding([leaf], search, 2, 0).message // "certificate is issued by 'CN=Front Desk CA' …"`
 */
export function notTrustedFinding(
  partial: readonly Certificate[],
  search: Pick<PathSearch, 'rejected'>,
  anchorCount: number,
  poolCount: number,
): { code: 'NOT_TRUSTED' | 'BAD_SIGNATURE'; message: string; certificateIndex: number } {
  const topIndex = partial.length - 1;
  const top = partial[topIndex]!;
  const who = topIndex === 0 ? 'certificate' : `intermediate ${certLabel(top)}`;
  const rejected = search.rejected.filter((r: RejectedIssuer) => r.childIndex === topIndex);

  const forged = rejected.find((r) => r.outcome === 'invalid' && sameKeyId(top, r.issuer));
  if (forged) {
    return {
      code: 'BAD_SIGNATURE', certificateIndex: topIndex,
      message: `${who}'s signature does not verify with the key of its issuer ${certLabel(forged.issuer)} (SPKI sha256 ${shortSpki(forged.issuer)}${forged.isAnchor ? ', a trusted root' : ''}) — the certificate was altered, or signed by another key with the same name`,
    };
  }
  const unsupported = rejected.find((r) => r.outcome === 'unsupported');
  if (unsupported) {
    return {
      code: 'BAD_SIGNATURE', certificateIndex: topIndex,
      message: `${who} uses signature algorithm ${top.signatureAlgorithm}, which localtls cannot verify; expected RSA (PKCS#1 v1.5 or PSS), ECDSA or Ed25519 — reissue it with a supported algorithm`,
    };
  }
  if (anchorCount === 0) {
    return { code: 'NOT_TRUSTED', certificateIndex: topIndex, message: `no trusted roots were given (anchors is empty), so ${who} cannot be trusted — pass the CA's root certificate in anchors` };
  }
  if (top.isSelfIssued && checkSignature(top, top) === 'valid') {
    if (topIndex === 0) {
      return {
        code: 'NOT_TRUSTED', certificateIndex: 0,
        message: `certificate is self-signed (SPKI sha256 ${shortSpki(top)}) and is not among the ${roots(anchorCount)} — trust it only after comparing its SPKI hash out of band, by adding it to anchors or pinning its key`,
      };
    }
    return {
      code: 'NOT_TRUSTED', certificateIndex: topIndex,
      message: `${topIndex === 1 ? 'certificate' : `intermediate ${certLabel(partial[topIndex - 1]!)}`} is issued by ${certLabel(top)} (SPKI sha256 ${shortSpki(top)}), which is not among the ${roots(anchorCount)} — install that CA's root certificate as a trust root on this device`,
    };
  }
  const otherKey = rejected.find((r) => r.isAnchor);
  const keyId = top.authorityKeyIdentifier ? ` (key id ${top.authorityKeyIdentifier.slice(0, 8)}…)` : '';
  if (otherKey) {
    return {
      code: 'NOT_TRUSTED', certificateIndex: topIndex,
      message: `${who} is issued by '${top.issuer}'${keyId}; a trusted root has that name but a different key (SPKI sha256 ${shortSpki(otherKey.issuer)}) — the CA was probably re-created: reissue the certificate from the current CA, or install the root it came from`,
    };
  }
  if (partial.some((c) => Buffer.compare(c.subjectDer, top.issuerDer) === 0)) {
    return {
      code: 'NOT_TRUSTED', certificateIndex: topIndex,
      message: `${who} is issued by '${top.issuer}'${keyId}, which is already in the path: these CAs certify each other in a loop and none of them is among the ${roots(anchorCount)} — install the CA's root certificate as a trust root`,
    };
  }
  return {
    code: 'NOT_TRUSTED', certificateIndex: topIndex,
    message: `${who} is issued by '${top.issuer}'${keyId}, which is not among the ${roots(anchorCount)}${poolCount > 0 ? ` nor the ${poolCount} other certificate${poolCount === 1 ? '' : 's'} supplied` : ''} — send the intermediate CA certificate with the chain, or install the issuing CA's root as a trust root`,
  };
}
