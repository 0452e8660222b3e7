/** TrustResult: the verdict of an evaluation, its findings and a human explanation. */
import { TrustError, type ErrorCode } from '../errors.js';
import type { Certificate } from '../cert/certificate.js';
import { certLabel } from './describe.js';

/** The codes a trust evaluation can report (a subset of {@link ErrorCode}; see docs/errors.md). */
export type TrustCode = Extract<ErrorCode,
  | 'NOT_TRUSTED' | 'EXPIRED' | 'NOT_YET_VALID' | 'BAD_SIGNATURE' | 'NOT_A_CA' | 'PATH_LENGTH_EXCEEDED'
  | 'BAD_KEY_USAGE' | 'BAD_EXTENDED_KEY_USAGE' | 'NAME_CONSTRAINTS' | 'HOSTNAME_MISMATCH' | 'WEAK_KEY'
  | 'WEAK_SIGNATURE' | 'UNKNOWN_CRITICAL_EXTENSION' | 'MALFORMED' | 'PIN_MISMATCH'>;

/** Every trust code, in the order the primary error is chosen (first = most fundamental). */
export const TRUST_CODES: readonly TrustCode[] = Object.freeze([
  'MALFORMED', 'NOT_TRUSTED', 'BAD_SIGNATURE', 'PIN_MISMATCH', 'UNKNOWN_CRITICAL_EXTENSION', 'NOT_A_CA', 'BAD_KEY_USAGE',
  'PATH_LENGTH_EXCEEDED', 'NAME_CONSTRAINTS', 'WEAK_SIGNATURE', 'WEAK_KEY', 'EXPIRED', 'NOT_YET_VALID',
  'BAD_EXTENDED_KEY_USAGE', 'HOSTNAME_MISMATCH',
] as TrustCode[]);

/**
 * One failed check. `certificateIndex` points into {@link TrustResult.chain} (for MALFORMED, into
 * the input list that could not be parsed).
 *
 * @example
 * ```ts
 * for (const f of result.findings) console.log(f.code, f.certificateIndex, f.message);
 * ```
 */
export interface TrustFinding {
  code: TrustCode;
  /** What was expected, what was found, and what to do about it. */
  message: string;
  certificateIndex?: number;
}

/**
 * The verdict of {@link evaluateTrust}. A value, never thrown.
 *
 * - `trusted`: true when a path to an anchor passed every check of the policy.
 * - `chain`: the path that was evaluated, leaf first, anchor last (when no path reached an anchor:
 *   the longest partial path, or the input as given when it could not be parsed).
 * - `error`: the most fundamental finding (absent when trusted).
 * - `findings`: every failed check on that path, not only the first (empty when trusted).
 * - `explain()`: a multi-line text for logs and people.
 * - `toError()`: a {@link TrustError} for the primary finding, or undefined when trusted.
 *
 * @example
 * ```ts
 * const result = await evaluateTrust(chain, { anchors: [root] });
 * if (!result.trusted) console.error(result.explain());
 * ```
 */
export interface TrustResult {
  readonly trusted: boolean;
  readonly chain: readonly Certificate[];
  readonly error?: TrustFinding;
  readonly findings: readonly TrustFinding[];
  /** The time the evaluation used. */
  readonly time: Date;
  /** Multi-line explanation: verdict, the path, and every finding. */
  explain(): string;
  /** The primary finding as a TrustError (with `details.findings`), or undefined when trusted. */
  toError(): TrustError | undefined;
}

const ORDER = new Map(TRUST_CODES.map((code, i) => [code, i]));
const NO_FINDINGS: readonly TrustFinding[] = Object.freeze([]);

/** Sorts findings so the most fundamental comes first (stable; then by certificate index). */
export function sortFindings(findings: TrustFinding[]): TrustFinding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (ORDER.get(a.f.code)! - ORDER.get(b.f.code)!) || ((a.f.certificateIndex ?? -1) - (b.f.certificateIndex ?? -1)) || (a.i - b.i))
    .map(({ f }) => f);
}

/**
 * Builds a frozen TrustResult. Findings are sorted; `trusted` is true exactly when there are none.
 * @example `makeTrustResult([leaf, root], [], new Date()).trusted // true`
 */
export function makeTrustResult(chain: readonly Certificate[], findings: TrustFinding[], time: Date): TrustResult {
  // A trusted result (no findings) shares one empty list; a frozen chain is shared as is (its
  // certificates are immutable): the trusted case is built on every verified connection.
  const sorted: readonly TrustFinding[] = findings.length === 0 ? NO_FINDINGS : Object.freeze(sortFindings(findings).map((f) => Object.freeze(f)));
  const trusted = sorted.length === 0;
  const frozenChain = Object.isFrozen(chain) ? chain : Object.freeze([...chain]);
  const result: TrustResult = {
    trusted,
    chain: frozenChain,
    findings: sorted,
    time,
    explain: () => explainResult(trusted, frozenChain, sorted, time),
    toError: () => {
      if (trusted) return undefined;
      const first = sorted[0]!;
      return new TrustError(first.code, first.message, {
        details: { certificateIndex: first.certificateIndex, findings: sorted.map((f) => ({ ...f })) },
      });
    },
  };
  if (!trusted) (result as { error?: TrustFinding }).error = sorted[0];
  return Object.freeze(result);
}

function explainResult(trusted: boolean, chain: readonly Certificate[], findings: readonly TrustFinding[], time: Date): string {
  const lines: string[] = [];
  lines.push(trusted ? 'trusted' : `not trusted (${findings[0]!.code}): ${findings[0]!.message}`);
  if (chain.length > 0) {
    lines.push('chain:');
    chain.forEach((cert, i) => lines.push(`  [${i}] ${certLabel(cert)} — valid ${cert.notBefore.toISOString().slice(0, 10)} to ${cert.notAfter.toISOString().slice(0, 10)}`));
  }
  if (findings.length > 1) {
    lines.push('all findings:');
    for (const f of findings) lines.push(`  - ${f.code}${f.certificateIndex === undefined ? '' : ` [${f.certificateIndex}]`}: ${f.message}`);
  }
  lines.push(`evaluated at ${time.toISOString()}`);
  return lines.join('\n');
}
