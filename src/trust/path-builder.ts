/**
 * Path building: from the leaf, through any of the supplied certificates (unordered, with extras,
 * duplicates, cross-signed issuers and loops), to a trust anchor. Depth-first with backtracking over
 * alternative issuers, ordered like Go's crypto/x509: anchors before intermediates, and among those
 * whose subject matches the child's issuer name, a matching key identifier first. Bounded in depth
 * and in signature checks. An anchor may be a root or an intermediate; a leaf that is itself an
 * anchor forms a path of one.
 */
import type { Certificate } from '../cert/certificate.js';
import { toHex } from '../internal/bytes.js';
import { checkSignature, type SignatureOutcome } from './signature-check.js';

/** Most certificates in a path, anchor included (Go and browsers allow similar depths). */
export const MAX_PATH_LENGTH = 10;
/** Most signature checks one evaluation may spend (Go: 100). */
export const MAX_SIGNATURE_CHECKS = 100;
/** Most complete paths examined before settling for the best failing one. */
export const MAX_COMPLETE_PATHS = 8;

/** An issuer candidate whose name matched but whose signature check failed. */
export interface RejectedIssuer {
  /** Index in the partial path of the certificate whose issuer was tried. */
  childIndex: number;
  issuer: Certificate;
  outcome: Exclude<SignatureOutcome, 'valid'>;
  /** True when the candidate came from the anchors. */
  isAnchor: boolean;
}

/** What the search found. */
export interface PathSearch {
  /** The first complete path accepted by `accept`, or undefined. */
  accepted: Certificate[] | undefined;
  /** Every complete path found (leaf first, anchor last), in discovery order. */
  complete: Certificate[][];
  /** The longest path that did not reach an anchor. */
  longestPartial: Certificate[];
  /** Name-matching candidates whose signature check failed, for the explanation. */
  rejected: RejectedIssuer[];
  /** True when the depth or work bound cut the search short. */
  truncated: boolean;
}

/** Certificates indexed by subject name (DER), with a set of anchor identities. */
export class CertificateIndex {
  readonly #bySubject = new Map<string, Certificate[]>();
  readonly #seen = new Set<string>();

  constructor(certs: readonly Certificate[]) {
    for (const cert of certs) this.add(cert);
  }

  /** Adds a certificate (duplicates by DER are ignored). */
  add(cert: Certificate): void {
    if (this.#seen.has(cert.fingerprintSha256)) return;
    this.#seen.add(cert.fingerprintSha256);
    const key = nameKey(cert.subjectDer);
    const list = this.#bySubject.get(key);
    if (list) list.push(cert); else this.#bySubject.set(key, [cert]);
  }

  /** Certificates whose subject is `nameDer`. */
  bySubject(nameDer: Uint8Array): readonly Certificate[] {
    return this.#bySubject.get(nameKey(nameDer)) ?? [];
  }

  /** True when a certificate with this subject and public key is indexed. */
  containsKey(cert: Certificate): boolean {
    return this.bySubject(cert.subjectDer).some((c) => c.spkiSha256.hex === cert.spkiSha256.hex);
  }

  /** Number of distinct certificates. */
  get size(): number {
    return this.#seen.size;
  }
}

function nameKey(der: Uint8Array): string {
  return toHex(der);
}

function identity(cert: Certificate): string {
  return `${nameKey(cert.subjectDer)}|${cert.spkiSha256.hex}`;
}

/** Orders candidates: key identifier match, then unknown, then mismatch (like Go's CertPool). */
function ordered(child: Certificate, candidates: readonly Certificate[]): Certificate[] {
  const aki = child.authorityKeyIdentifier;
  if (!aki || candidates.length < 2) return [...candidates];
  const rank = (c: Certificate) => (c.subjectKeyIdentifier === undefined ? 1 : c.subjectKeyIdentifier === aki ? 0 : 2);
  return [...candidates].sort((a, b) => rank(a) - rank(b));
}

/**
 * Searches for paths from `leaf` to an anchor. `accept(path)` is called for each complete path;
 * the search stops at the first one it returns true for, or when the bounds are reached.
 *
 * @example
 * ```ts
 * const search = buildPaths(leaf, new CertificateIndex([intermediate]), new CertificateIndex([root]), () => true);
 * search.accepted // [leaf, intermediate, root]
 * ```
 */
export function buildPaths(
  leaf: Certificate,
  pool: CertificateIndex,
  anchors: CertificateIndex,
  accept: (path: Certificate[]) => boolean,
): PathSearch {
  const search: PathSearch = { accepted: undefined, complete: [], longestPartial: [leaf], rejected: [], truncated: false };
  let work = 0;
  const onPath = new Set<string>();

  const visit = (path: Certificate[]): boolean => {
    const current = path[path.length - 1]!;
    if (anchors.containsKey(current)) {
      search.complete.push([...path]);
      if (accept(path)) { search.accepted = [...path]; return true; }
      return search.complete.length >= MAX_COMPLETE_PATHS;
    }
    if (path.length >= MAX_PATH_LENGTH) {
      search.truncated = true;
      if (path.length > search.longestPartial.length) search.longestPartial = [...path];
      return false;
    }
    const fromAnchors = ordered(current, anchors.bySubject(current.issuerDer));
    const fromPool = ordered(current, pool.bySubject(current.issuerDer)).filter((c) => !anchors.containsKey(c));
    let extended = false;
    for (const [candidates, isAnchor] of [[fromAnchors, true], [fromPool, false]] as const) {
      for (const candidate of candidates) {
        const id = identity(candidate);
        if (onPath.has(id)) continue;
        if (work >= MAX_SIGNATURE_CHECKS) { search.truncated = true; return true; }
        work++;
        const outcome = checkSignature(current, candidate);
        if (outcome !== 'valid') {
          search.rejected.push({ childIndex: path.length - 1, issuer: candidate, outcome, isAnchor });
          continue;
        }
        extended = true;
        onPath.add(id);
        path.push(candidate);
        const stop = visit(path);
        path.pop();
        onPath.delete(id);
        if (stop) return true;
      }
    }
    if (!extended && path.length > search.longestPartial.length) search.longestPartial = [...path];
    return false;
  };

  onPath.add(identity(leaf));
  visit([leaf]);
  return search;
}
