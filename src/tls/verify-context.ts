/**
 * The object a verify hook receives. It extends the trust layer's minimal VerifyContext with the
 * facts of the TLS session, and can grow without breaking hooks.
 */
import type { Certificate } from '../cert/certificate.js';
import { evaluateTrustSync, type TrustPolicy, type TrustResult, type VerifyContext } from '../trust/index.js';
import type { ResolvedAnchors } from './anchors.js';

/**
 * What a `verify` hook is given, exactly once per connection (resumed ones included), before any
 * application byte moves in either direction.
 *
 * - `side`: 'client' when a client verifies a listener; 'server' when a listener verifies a client.
 * - `peerCertificates`: the peer's chain, leaf first (on a resumed session: the chain verified when
 *   the session was first made; empty when a client presented no certificate).
 * - `host`: client side, what was dialed (name or IP, never the resolved address); server side, the
 *   client's address. `port`: the peer's port. `serverName`: the SNI sent/received, if any.
 * - `protocol` ('TLSv1.2' | 'TLSv1.3'), `alpn` (negotiated protocol or undefined), `resumed`.
 * - `evaluate(policy?)`: evaluates `peerCertificates` against the configured anchors. Default
 *   policy: the SSL policy for `host` on the client side (what the default verifier uses), and the
 *   SSL client-certificate policy on the server side. Pass `{ kind: 'basicX509' }` to skip the name.
 *
 * @example
 * ```ts
 * connect('192.168.1.20', 4433, {
 *   trustRoots: [ca.certificate],
 *   verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted,
 * });
 * ```
 */
export interface TlsVerifyContext extends VerifyContext {
  readonly side: 'client' | 'server';
  readonly peerCertificates: readonly Certificate[];
  readonly host: string;
  readonly port: number;
  readonly serverName: string | undefined;
  readonly protocol: string;
  readonly alpn: string | undefined;
  readonly resumed: boolean;
  evaluate(policy?: TrustPolicy): Promise<TrustResult>;
}

/**
 * A verify hook: return (or resolve to) true, or a trusted TrustResult, to accept the peer.
 * False, an untrusted TrustResult, a throw, or no answer within the time limit refuses it.
 * @example `const pinned: TlsVerifyHook = (ctx) => ctx.peerCertificates[0]?.spkiSha256.base64 === PIN`
 */
export type TlsVerifyHook = (ctx: TlsVerifyContext) => boolean | TrustResult | Promise<boolean | TrustResult>;

/** Facts used to build a context (internal). */
export interface VerifyFacts {
  side: 'client' | 'server';
  peerCertificates: readonly Certificate[];
  host: string;
  port: number;
  serverName: string | undefined;
  protocol: string;
  alpn: string | undefined;
  resumed: boolean;
  anchors: () => ResolvedAnchors;
  /** The policy of the default verifier and of `ctx.evaluate()` without an argument. */
  defaultPolicy: TrustPolicy;
}

/**
 * Builds a frozen {@link TlsVerifyContext}; `lastResult()` returns the most recent evaluation.
 * @example `const { context } = createVerifyContext(facts); await hook(context);`
 */
export function createVerifyContext(facts: VerifyFacts): { context: TlsVerifyContext; lastResult(): TrustResult | undefined } {
  let last: TrustResult | undefined;
  const context: TlsVerifyContext = Object.freeze({
    side: facts.side,
    peerCertificates: Object.freeze([...facts.peerCertificates]),
    host: facts.host,
    port: facts.port,
    serverName: facts.serverName,
    protocol: facts.protocol,
    alpn: facts.alpn,
    resumed: facts.resumed,
    evaluate: async (policy?: TrustPolicy) => (last = evaluatePeer(facts, policy)),
  });
  return { context, lastResult: () => last };
}

/**
 * Evaluates the peer's chain against the anchors under `policy` (default: the facts' default
 * policy), synchronously: what `ctx.evaluate()` and the default verifier run.
 * @throws TypeError when the peer presented no certificate; ConfigError for a bad policy.
 * @example `evaluatePeer(facts).trusted`
 */
export function evaluatePeer(facts: VerifyFacts, policy?: TrustPolicy): TrustResult {
  const chain = facts.peerCertificates;
  if (chain.length === 0) throw new TypeError('evaluate(): the peer presented no certificate (check ctx.peerCertificates.length first)');
  return evaluateAgainst(facts.anchors(), chain, policy ?? facts.defaultPolicy);
}

/**
 * Evaluates against the caller's own roots first and, only when that does not trust the chain,
 * against every anchor (own + system roots). A path that is valid to an own root is valid with any
 * superset of anchors, so the verdict is the same; the gain is that a LAN chain (the common case)
 * never pays for parsing, hashing and indexing ~140 public roots. An untrusted chain is always
 * evaluated against the full set, and that is the verdict returned.
 */
function evaluateAgainst(anchors: ResolvedAnchors, chain: readonly Certificate[], policy: TrustPolicy): TrustResult {
  if (anchors.includesSystem && anchors.own.length > 0) {
    const first = evaluateTrustSync(chain, { anchors: anchors.own, policy });
    if (first.trusted) return first;
  }
  return evaluateTrustSync(chain, { anchors: anchors.certificates, policy });
}
