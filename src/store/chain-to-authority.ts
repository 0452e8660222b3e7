/**
 * The check behind a known-hosts CA entry: the same evaluation as `evaluateTrust` with the
 * recorded CAs as the only anchors, under the TLS server policy — chain, signatures, dates, CA
 * constraints (basicConstraints, pathLen, keyUsage, name constraints), serverAuth extended key
 * usage and key strength; for a CA recorded for a host, the dialed host must also be in the leaf's
 * subjectAltName. Its verdict carries evaluateTrust's codes and explanation.
 */
import type { Certificate } from '../cert/certificate.js';
import { evaluateTrustSync, makeTrustResult, type TrustResult } from '../trust/index.js';

/** The CAs that apply to one dialed host: recorded for that host, and recorded for every host. */
export interface ApplicableAuthorities {
  /** CAs recorded for this host (and port): the host name is checked. */
  forHost: readonly Certificate[];
  /** CAs recorded for every host: the host name is not checked. */
  forAllHosts: readonly Certificate[];
}

/**
 * The verdict of the recorded CAs on a presented chain (leaf first, as sent) dialed as `host`, or
 * undefined when no CA applies. CAs recorded for the host are tried first, under
 * `{ kind: 'ssl', hostname: host }`; then CAs recorded for every host, under the same policy
 * without the host name (a HOSTNAME_MISMATCH finding alone does not refuse). The first trusted
 * verdict wins; otherwise the verdict of the host's own CAs when there are any, else that of the
 * all-hosts CAs.
 *
 * @example
 * ```ts
 * const verdict = authorityVerdict(ctx.peerCertificates, 'desk.local', { forHost: [deskCa], forAllHosts: [] }, new Date());
 * if (verdict && !verdict.trusted) console.log(verdict.error!.code, verdict.explain());
 * ```
 */
export function authorityVerdict(chain: readonly Certificate[], host: string, authorities: ApplicableAuthorities, time: Date): TrustResult | undefined {
  const forHost = authorities.forHost.length > 0 ? evaluate(chain, host, authorities.forHost, time) : undefined;
  if (forHost?.trusted || authorities.forAllHosts.length === 0) return forHost;
  const all = evaluate(chain, host, authorities.forAllHosts, time);
  const withoutName = all.findings.filter((f) => f.code !== 'HOSTNAME_MISMATCH');
  const forAllHosts = withoutName.length === all.findings.length ? all : makeTrustResult(all.chain, withoutName, time);
  return forAllHosts.trusted || !forHost ? forAllHosts : forHost;
}

function evaluate(chain: readonly Certificate[], host: string, anchors: readonly Certificate[], time: Date): TrustResult {
  return evaluateTrustSync(chain, { anchors, policy: { kind: 'ssl', hostname: host }, time });
}
