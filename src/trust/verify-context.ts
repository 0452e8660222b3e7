/** The context a verify hook receives (the transport layer builds it; this is its minimal shape). */
import type { Certificate } from '../cert/certificate.js';
import type { TrustPolicy } from './policy.js';
import type { TrustResult } from './result.js';

/**
 * What a verify hook is given, once per connection, before any data flows. The transport may add
 * fields; hooks should rely only on these.
 * - `peerCertificates`: the peer's chain as sent, leaf first (may be empty, e.g. no client certificate).
 * - `host`: what was dialed (name or address); `serverName`: the SNI sent, if any.
 * - `evaluate(policy?)`: evaluates `peerCertificates` against the connection's trust roots;
 *   without an argument it uses the connection's default policy (the SSL policy for the dialed
 *   host on a client; the SSL policy for clients, `{ kind: 'ssl', server: false }`, on a listener) — pass `{ kind: 'basicX509' }`
 *   to skip the name check.
 *
 * @example
 * ```ts
 * const verify: VerifyHook = async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted;
 * ```
 */
export interface VerifyContext {
  readonly peerCertificates: readonly Certificate[];
  readonly host: string;
  readonly serverName?: string | undefined;
  evaluate(policy?: TrustPolicy): Promise<TrustResult>;
}

/** A verify hook: return true to accept the peer. @example `const accept: VerifyHook = () => true` */
export type VerifyHook = (ctx: VerifyContext) => boolean | TrustResult | Promise<boolean | TrustResult>;
