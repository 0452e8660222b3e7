/**
 * Per-path checks (RFC 5280 §6.1 with the policy's extras). Each check adds findings; none stops
 * the others, so a result lists every failed check. Signatures are checked while building the path;
 * here only their algorithms are judged.
 */
import type { Certificate } from '../cert/certificate.js';
import { KNOWN_EXTENSIONS } from '../cert/certificate.js';
import { isInvalidName } from '../cert/host-name.js';
import { canonicalHost, hostMatchesSans } from '../cert/name-match.js';
import { certLabel, clockPhrase, formatDuration, formatUtc, listNames } from './describe.js';
import { NAME_COMPARISON_BUDGET, nameConstraintCost, nameConstraintViolations } from './name-constraints.js';
import type { ResolvedPolicy } from './policy.js';
import type { TrustFinding } from './result.js';
import { shapeChecks } from './shape-checks.js';
import { signatureHash } from './signature-check.js';

const BASIC_CONSTRAINTS_OID = '2.5.29.19';
const STRONG_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/** Inputs of {@link checkPath}. */
export interface PathCheckContext {
  policy: ResolvedPolicy;
  time: Date;
  /** True when the caller passed `time` (changes the wording of date findings). */
  explicitTime: boolean;
  /** True when the last certificate of the path is a trust anchor. */
  anchored: boolean;
  /**
   * Name-constraint comparisons still allowed in this evaluation; shared by every path tried, so
   * the total is bounded. Default: a fresh {@link NAME_COMPARISON_BUDGET} per `checkPath` call.
   */
  nameComparisons?: { remaining: number };
}

function validity(cert: Certificate, index: number, ctx: PathCheckContext, out: TrustFinding[]): void {
  // Certificate times have whole-second precision and a notAfter second is valid to its end
  // (RFC 5280 §4.1.2.5), so the evaluation time is compared in whole seconds.
  const t = Math.floor(ctx.time.getTime() / 1000) * 1000;
  const who = index === 0 ? 'certificate' : `issuing certificate ${certLabel(cert)}`;
  if (t > cert.notAfter.getTime()) {
    out.push({
      code: 'EXPIRED', certificateIndex: index,
      message: `${who} expired ${formatDuration(t - cert.notAfter.getTime())} ago (${formatUtc(cert.notAfter)}; ${clockPhrase(ctx.time, ctx.explicitTime)}) — renew it, or check this device's clock`,
    });
  } else if (t < cert.notBefore.getTime()) {
    out.push({
      code: 'NOT_YET_VALID', certificateIndex: index,
      message: `${who} is not valid for another ${formatDuration(cert.notBefore.getTime() - t)} (from ${formatUtc(cert.notBefore)}; ${clockPhrase(ctx.time, ctx.explicitTime)}) — check the clocks of this device and of the CA's machine`,
    });
  }
}

function criticalExtensions(cert: Certificate, index: number, out: TrustFinding[]): void {
  const unknown = cert.extensions.filter((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid)).map((e) => e.oid);
  if (unknown.length > 0) {
    out.push({
      code: 'UNKNOWN_CRITICAL_EXTENSION', certificateIndex: index,
      message: `${certLabel(cert)} has critical extension${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} that localtls does not understand, so it must be refused (RFC 5280 §4.2) — reissue it without ${unknown.length > 1 ? 'them' : 'it'} or mark ${unknown.length > 1 ? 'them' : 'it'} non-critical`,
    });
  }
}

function invalidNames(cert: Certificate, index: number, out: TrustFinding[]): void {
  const bad = cert.subjectAltNames.filter((san) => isInvalidName(san.value)).map((san) => san.value);
  if (bad.length > 0) {
    out.push({
      code: 'MALFORMED', certificateIndex: index,
      message: `${certLabel(cert)} has subjectAltName entries that are not valid names (${bad.join(', ')}; a dNSName is printable ASCII without empty labels, an rfc822Name one mailbox, an iPAddress 4 or 16 bytes) — reissue it with A-label (punycode) DNS names`,
    });
  }
}

function keyStrength(cert: Certificate, index: number, ctx: PathCheckContext, out: TrustFinding[]): void {
  const minRsa = ctx.policy.kind === 'ssl' ? 2048 : 1024;
  const key = cert.publicKey;
  if ((key.type === 'rsa' || key.type === 'rsa-pss') && (key.bits ?? 0) % 8 !== 0) {
    out.push({
      code: 'WEAK_KEY', certificateIndex: index,
      message: `${certLabel(cert)} has a ${key.bits}-bit RSA key, not a whole number of bytes (Baseline Requirements §6.1.5 require a multiple of 8) — reissue it with an EC P-256 or RSA 2048+ key`,
    });
  } else if ((key.type === 'rsa' || key.type === 'rsa-pss') && (key.bits ?? 0) < minRsa) {
    out.push({
      code: 'WEAK_KEY', certificateIndex: index,
      message: `${certLabel(cert)} has a ${key.bits}-bit RSA key; the ${ctx.policy.kind} policy needs at least ${minRsa} bits — reissue it with an EC P-256 or RSA ${Math.max(minRsa, 2048)}+ key`,
    });
  } else if (key.type !== 'rsa' && key.type !== 'rsa-pss' && key.type !== 'ec' && key.type !== 'ed25519' && key.type !== 'ed448') {
    out.push({
      code: 'WEAK_KEY', certificateIndex: index,
      message: `${certLabel(cert)} has a ${key.type} key, which localtls does not accept (expected RSA, EC P-256/P-384/P-521 or Ed25519) — reissue it with an EC P-256 key`,
    });
  } else if (key.type === 'ec' && !STRONG_CURVES.has(key.curve ?? '')) {
    out.push({
      code: 'WEAK_KEY', certificateIndex: index,
      message: `${certLabel(cert)} has an EC key on curve ${key.curve ?? 'unknown'}; expected P-256, P-384 or P-521 — reissue it with a P-256 key`,
    });
  }
}

function signatureStrength(cert: Certificate, index: number, out: TrustFinding[]): void {
  const hash = signatureHash(cert);
  if (hash === 'md5' || hash === 'sha1') {
    out.push({
      code: 'WEAK_SIGNATURE', certificateIndex: index,
      message: `${certLabel(cert)} is signed with ${cert.signatureAlgorithm} (${hash.toUpperCase()} is broken for signatures); expected SHA-256 or stronger — reissue it from the CA`,
    });
  }
}

function issuerConstraints(path: readonly Certificate[], index: number, ctx: PathCheckContext, out: TrustFinding[]): void {
  const cert = path[index]!;
  const isAnchor = ctx.anchored && index === path.length - 1;
  const hasBasicConstraints = cert.extensions.some((e) => e.oid === BASIC_CONSTRAINTS_OID);
  // Anchors without basicConstraints (v1-style roots) are accepted, like OpenSSL and Go; an
  // anchor that says cA=false is not.
  if (!cert.isCA && (!isAnchor || hasBasicConstraints)) {
    out.push({
      code: 'NOT_A_CA', certificateIndex: index,
      message: `${certLabel(cert)} issued ${certLabel(path[index - 1]!)} but is not a CA (basicConstraints ${hasBasicConstraints ? 'says cA=false' : 'is missing'}) — issue certificates only from a CA certificate`,
    });
  }
  if (cert.keyUsage !== undefined && !cert.keyUsage.includes('keyCertSign')) {
    out.push({
      code: 'BAD_KEY_USAGE', certificateIndex: index,
      message: `${certLabel(cert)} issued ${certLabel(path[index - 1]!)} but its keyUsage (${cert.keyUsage.join(', ') || 'empty'}) lacks keyCertSign — reissue the CA with keyCertSign`,
    });
  }
  if (cert.pathLength !== undefined) {
    let below = 0;
    for (let j = 1; j < index; j++) if (!path[j]!.isSelfIssued) below++;
    if (below > cert.pathLength) {
      out.push({
        code: 'PATH_LENGTH_EXCEEDED', certificateIndex: index,
        message: `${certLabel(cert)} allows ${cert.pathLength} intermediate CA${cert.pathLength === 1 ? '' : 's'} below it (pathLenConstraint); found ${below} — issue the leaf from a CA higher up, or raise the limit`,
      });
    }
  }
  if (cert.nameConstraints) {
    for (let j = index - 1; j >= 0; j--) {
      const sub = path[j]!;
      if (j > 0 && sub.isSelfIssued) continue;
      const budget = ctx.nameComparisons ?? (ctx.nameComparisons = { remaining: NAME_COMPARISON_BUDGET });
      const cost = nameConstraintCost(sub, cert.nameConstraints);
      if (cost > budget.remaining) {
        budget.remaining = 0;
        out.push({
          code: 'NAME_CONSTRAINTS', certificateIndex: j,
          message: `${certLabel(cert)} constrains the names it may certify, and checking ${certLabel(sub)} against them needs ${cost} comparisons; the evaluation's budget is ${NAME_COMPARISON_BUDGET} in total — a chain this costly is refused unchecked; reissue with fewer names or subtrees`,
        });
        break;
      }
      budget.remaining -= cost;
      const problems = nameConstraintViolations(sub, cert.nameConstraints);
      if (problems.length > 0) {
        out.push({
          code: 'NAME_CONSTRAINTS', certificateIndex: j,
          message: `${certLabel(cert)} constrains the names it may certify: ${problems.join('; ')} (in ${certLabel(sub)}) — reissue the certificate with permitted names, or from an unconstrained CA`,
        });
      }
    }
  }
}

function purposeOf(policy: ResolvedPolicy): { name: string; oid: string } {
  return policy.server ? { name: 'serverAuth', oid: '1.3.6.1.5.5.7.3.1' } : { name: 'clientAuth', oid: '1.3.6.1.5.5.7.3.2' };
}

function sslChecks(path: readonly Certificate[], ctx: PathCheckContext, out: TrustFinding[]): void {
  const leaf = path[0]!;
  const purpose = purposeOf(ctx.policy);
  const fits = (eku: readonly string[]) => eku.includes(purpose.name) || eku.includes(purpose.oid) || eku.includes('anyExtendedKeyUsage');
  const role = ctx.policy.server ? 'a TLS server' : 'a TLS client';
  if (leaf.extendedKeyUsage === undefined || !fits(leaf.extendedKeyUsage)) {
    out.push({
      code: 'BAD_EXTENDED_KEY_USAGE', certificateIndex: 0,
      message: `certificate is not for ${role}: its extendedKeyUsage is ${leaf.extendedKeyUsage ? `${leaf.extendedKeyUsage.join(', ') || 'empty'}` : 'missing'}; expected ${purpose.name} — reissue it for ${role}`,
    });
  }
  for (let i = 1; i < path.length; i++) {
    const ca = path[i]!;
    if (ca.extendedKeyUsage !== undefined && !fits(ca.extendedKeyUsage)) {
      out.push({
        code: 'BAD_EXTENDED_KEY_USAGE', certificateIndex: i,
        message: `${certLabel(ca)} restricts what it issues to ${ca.extendedKeyUsage.join(', ')}; ${purpose.name} is not among them — reissue the CA without that restriction or with ${purpose.name}`,
      });
    }
  }
  if (leaf.keyUsage !== undefined && !leaf.keyUsage.some((u) => u === 'digitalSignature' || u === 'keyEncipherment' || u === 'keyAgreement')) {
    out.push({
      code: 'BAD_KEY_USAGE', certificateIndex: 0,
      message: `certificate's keyUsage (${leaf.keyUsage.join(', ') || 'empty'}) allows no TLS handshake; expected digitalSignature — reissue it for TLS`,
    });
  }
  const host = ctx.policy.hostname;
  if (host !== undefined && !hostMatchesSans(host, leaf.subjectAltNames)) out.push(hostnameFinding(leaf, host));
}

function hostnameFinding(leaf: Certificate, host: string): TrustFinding {
  const target = canonicalHost(host);
  const names = leaf.subjectAltNames.filter((s) => s.type === 'dns' || s.type === 'ip').map((s) => s.value);
  const what = target?.type === 'ip' ? 'address' : 'name';
  let message: string;
  if (!target) {
    message = `${JSON.stringify(host)} is not a DNS name or an IP address, so no certificate can match it — dial the name or address the certificate lists`;
  } else if (names.length === 0) {
    message = `certificate lists no DNS names or IP addresses in subjectAltName${leaf.commonName ? ` (its common name '${leaf.commonName}' is not used for matching)` : ''}; not ${target.value} — reissue it with the ${what} in subjectAltName, or verify with a basic X.509 hook`;
  } else {
    message = `certificate is valid for ${listNames(names)}; not ${target.value} — add the ${what} to the certificate or verify with a basic X.509 hook`;
  }
  return { code: 'HOSTNAME_MISMATCH', certificateIndex: 0, message };
}

/**
 * Runs every check of the policy on a path (leaf first). Returns all findings (empty when the path
 * passes). `anchored: false` marks a partial path: its top certificate's issuer is unknown, so only
 * checks that need no issuer run on it.
 *
 * @example
 * ```ts
 * checkPath([leaf, root], { policy: resolvePolicy(undefined), time: new Date(), explicitTime: false, anchored: true }) // []
 * ```
 */
export function checkPath(path: readonly Certificate[], ctx: PathCheckContext): TrustFinding[] {
  const out: TrustFinding[] = [];
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    validity(cert, i, ctx, out);
    criticalExtensions(cert, i, out);
    invalidNames(cert, i, out);
    shapeChecks(cert, { index: i, isAnchor: ctx.anchored && i === path.length - 1, policy: ctx.policy }, out);
    keyStrength(cert, i, ctx, out);
    // The anchor's own signature is not relied on, and neither is a self-signature at the top of a
    // partial path, so their algorithms do not matter.
    if (i < path.length - 1 || (!ctx.anchored && !cert.isSelfIssued)) signatureStrength(cert, i, out);
    if (i > 0) issuerConstraints(path, i, ctx, out);
  }
  if (ctx.policy.kind === 'ssl') sslChecks(path, ctx, out);
  return out;
}
