/** Puts a set of certificates in leaf-first order, starting from the certificate of a given key. */
import type { Certificate } from '../cert/certificate.js';

function issuedBy(child: Certificate, parent: Certificate): boolean {
  if (Buffer.compare(child.issuerDer, parent.subjectDer) !== 0) return false;
  if (child.authorityKeyIdentifier && parent.subjectKeyIdentifier) return child.authorityKeyIdentifier === parent.subjectKeyIdentifier;
  return true;
}

/**
 * Orders `certificates` as leaf, its issuer, that one's issuer ... Certificates that are not part
 * of the path follow at the end in their original order (nothing is dropped; duplicates are).
 */
export function orderChain(leaf: Certificate, certificates: readonly Certificate[]): Certificate[] {
  const unique: Certificate[] = [];
  for (const cert of certificates) if (!unique.some((u) => u.equals(cert))) unique.push(cert);
  const ordered = [leaf];
  const remaining = unique.filter((c) => !c.equals(leaf));
  let current = leaf;
  while (!current.isSelfIssued) {
    const index = remaining.findIndex((candidate) => issuedBy(current, candidate));
    if (index < 0) break;
    current = remaining.splice(index, 1)[0]!;
    ordered.push(current);
  }
  return [...ordered, ...remaining];
}
