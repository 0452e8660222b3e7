/**
 * evaluateTrust: SecTrustEvaluateWithError for Node. Builds a path from the leaf to one of the
 * anchors and checks it under a policy; returns a verdict (never throws for untrusted or malformed
 * certificates, only for bad options).
 */
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { ConfigError, LocalTlsError } from '../errors.js';
import { isBinary } from '../internal/bytes.js';
import { describe, knownKeys } from '../internal/options.js';
import { cacheKey, knownTrustedOutcome, rememberTrusted, validityWindow, verdictCache, type CachedOutcome } from './cache.js';
import { checkPath, type PathCheckContext } from './checks.js';
import { NAME_COMPARISON_BUDGET } from './name-constraints.js';
import { buildPaths, CertificateIndex, MAX_PATH_LENGTH, MAX_SIGNATURE_CHECKS } from './path-builder.js';
import { notTrustedFinding } from './not-trusted.js';
import { isImmutablePolicy, resolvePolicy, type TrustPolicy } from './policy.js';
import { makeTrustResult, type TrustFinding, type TrustResult } from './result.js';

/** One certificate or many: DER bytes, PEM text (a bundle expands to all its certificates), or Certificate objects. */
export type CertificateList = CertificateInput | readonly CertificateInput[];

/**
 * Options of {@link evaluateTrust}.
 * - `anchors` (required): the trusted roots (or intermediates) — DER, PEM or Certificate. May be empty
 *   (then nothing is trusted).
 * - `intermediates`: extra certificates to build the path from (default none); the chain's own
 *   certificates after the leaf are always used.
 * - `policy`: default `{ kind: 'basicX509' }`.
 * - `time`: the time at which validity is checked; default now.
 * - `cache`: use the process-wide verdict cache; default true.
 *
 * @example
 * ```ts
 * const options: EvaluateTrustOptions = { anchors: [rootPem], policy: { kind: 'ssl', hostname: '192.168.1.20' }, time: new Date('2030-01-01') };
 * ```
 */
export interface EvaluateTrustOptions {
  anchors: CertificateList;
  intermediates?: CertificateList;
  policy?: TrustPolicy;
  time?: Date;
  cache?: boolean;
}

const OPTION_NAMES = ['anchors', 'intermediates', 'policy', 'time', 'cache'];

function asList(value: unknown, name: string, required: boolean): readonly unknown[] {
  if (value === undefined && !required) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((item, i) => {
    if (!(item instanceof Certificate) && typeof item !== 'string' && !isBinary(item)) {
      throw new ConfigError('INVALID_OPTION', `${name}${Array.isArray(value) ? `[${i}]` : ''}: expected DER bytes, PEM text or a Certificate (or an array of them); found ${describe(item)}`);
    }
  });
  return list;
}

function parseList(items: readonly unknown[], name: string, malformed: TrustFinding[], isChain: boolean): Certificate[] {
  const out: Certificate[] = [];
  items.forEach((item, i) => {
    try {
      out.push(...Certificate.fromList([item as CertificateInput]));
    } catch (error) {
      const reason = error instanceof LocalTlsError ? error.message : String(error);
      malformed.push({
        code: 'MALFORMED',
        message: `${name}[${i}] could not be read: ${reason} — ${isChain ? 'the peer sent a damaged or non-X.509 certificate' : `fix the ${name} you pass to evaluateTrust`}`,
        ...(isChain ? { certificateIndex: i } : {}),
      });
    }
  });
  return out;
}

/**
 * Evaluates a certificate chain against trust anchors under a policy, synchronously (for places
 * that cannot await, such as node:tls's checkServerIdentity). Same semantics as {@link evaluateTrust}.
 *
 * @example
 * ```ts
 * const result = evaluateTrustSync([leafPem, intermediatePem], { anchors: [rootPem], policy: { kind: 'basicX509' } });
 * ```
 * @throws ConfigError INVALID_OPTION for bad options (never for an untrusted or malformed chain).
 */
export function evaluateTrustSync(chain: CertificateList, options: EvaluateTrustOptions): TrustResult {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError('INVALID_OPTION', `evaluateTrust options: expected { anchors, intermediates?, policy?, time? }; found ${describe(options)}`);
  }
  knownKeys('evaluateTrust options', options, OPTION_NAMES);
  // The same frozen chain, anchors and policy as a trusted evaluation the verdict cache still holds
  // (a resumed connection's case): the same verdict, inside its validity window (see cache.ts).
  if (options.intermediates === undefined && options.time === undefined && options.cache === undefined) {
    const known = knownTrustedOutcome(chain, options.anchors, options.policy);
    if (known !== undefined) {
      const now = new Date();
      const t = now.getTime();
      if (t >= known.validFrom && t < known.validUntil) return makeTrustResult(known.path, [], now);
    }
  }
  if (options.anchors === undefined) {
    throw new ConfigError('INVALID_OPTION', 'anchors: expected the trusted root certificates (DER, PEM or Certificate, or an array of them); found undefined', {
      hint: 'pass { anchors: [ca.certificate] }; an empty array means nothing is trusted',
    });
  }
  const chainItems = asList(chain, 'chain', true);
  const anchorItems = asList(options.anchors, 'anchors', true);
  const intermediateItems = asList(options.intermediates, 'intermediates', false);
  const policy = resolvePolicy(options.policy);
  if (options.time !== undefined && (!(options.time instanceof Date) || Number.isNaN(options.time.getTime()))) {
    throw new ConfigError('INVALID_OPTION', `time: expected a valid Date; found ${describe(options.time)}`);
  }
  if (options.cache !== undefined && typeof options.cache !== 'boolean') {
    throw new ConfigError('INVALID_OPTION', `cache: expected true or false; found ${describe(options.cache)}`);
  }
  const explicitTime = options.time !== undefined;
  const time = options.time ?? new Date();
  const t = time.getTime();
  const nameComparisons = { remaining: NAME_COMPARISON_BUDGET };
  const ctxFor = (anchored: boolean): PathCheckContext => ({ policy, time, explicitTime, anchored, nameComparisons });

  const useCache = options.cache !== false;
  // A trusted entry is remembered for these exact input objects when they are immutable (cache.ts).
  const remember = (entry: CachedOutcome): void => {
    if (!explicitTime && intermediateItems.length === 0) rememberTrusted(chain, options.anchors, options.policy, isImmutablePolicy(options.policy), key, entry);
  };
  const key = useCache ? cacheKey(chainItems, intermediateItems, anchorItems, policy.key) : '';
  if (useCache) {
    const hit = verdictCache.get(key);
    if (hit && t >= hit.validFrom && t < hit.validUntil) {
      remember(hit);
      return fromOutcome(hit, ctxFor(hit.anchored));
    }
  }

  const malformed: TrustFinding[] = [];
  const chainCerts = parseList(chainItems, 'chain', malformed, true);
  const anchorCerts = parseList(anchorItems, 'anchors', malformed, false);
  const extraCerts = parseList(intermediateItems, 'intermediates', malformed, false);
  if (chainItems.length === 0) malformed.push({ code: 'MALFORMED', message: 'chain: expected at least one certificate (the leaf first); found none — the peer sent no certificate' });
  if (malformed.length > 0) return makeTrustResult(chainCerts, malformed, time);

  const leaf = chainCerts[0]!;
  const anchors = new CertificateIndex(anchorCerts);
  const pool = new CertificateIndex([...chainCerts.slice(1), ...extraCerts]);
  const found = new Map<Certificate[], TrustFinding[]>();
  const search = buildPaths(leaf, pool, anchors, (path) => {
    const findings = checkPath(path, ctxFor(true));
    found.set([...path], findings);
    return findings.length === 0;
  });

  let outcome: Omit<CachedOutcome, 'validFrom' | 'validUntil'>;
  let findings: TrustFinding[];
  if (search.accepted) {
    outcome = { path: search.accepted, anchored: true, trusted: true, searchFindings: [] };
    findings = [];
  } else if (found.size > 0) {
    let best: [Certificate[], TrustFinding[]] | undefined;
    for (const entry of found) if (!best || entry[1].length < best[1].length) best = entry;
    outcome = { path: best![0], anchored: true, trusted: false, searchFindings: [] };
    findings = best![1];
  } else {
    const partial = search.longestPartial;
    const finding = notTrustedFinding(partial, search, anchors.size, pool.size);
    if (search.truncated) finding.message += ` (the search stopped at its bounds: ${MAX_PATH_LENGTH} certificates deep or ${MAX_SIGNATURE_CHECKS} signature checks)`;
    outcome = { path: partial, anchored: false, trusted: false, searchFindings: [finding] as CachedOutcome['searchFindings'] };
    findings = [finding, ...checkPath(partial, ctxFor(false))];
  }
  if (useCache) {
    const window = validityWindow([...chainCerts, ...anchorCerts, ...extraCerts], t);
    // The path frozen once: every result built from this entry shares it (makeTrustResult).
    const stored: CachedOutcome = { ...outcome, path: Object.freeze([...outcome.path]), validFrom: window.from, validUntil: window.until };
    verdictCache.set(key, stored);
    remember(stored);
  }
  return makeTrustResult(outcome.path, findings, time);
}

function fromOutcome(outcome: CachedOutcome, ctx: PathCheckContext): TrustResult {
  if (outcome.trusted) return makeTrustResult(outcome.path, [], ctx.time);
  return makeTrustResult(outcome.path, [...outcome.searchFindings.map((f) => ({ ...f })), ...checkPath(outcome.path, ctx)], ctx.time);
}

/**
 * Evaluates a certificate chain (leaf first; order of the rest does not matter) against trust
 * anchors under a policy, like Apple's SecTrustEvaluateWithError. Returns a verdict: untrusted,
 * expired or malformed certificates give `trusted: false` with a code and an explanation; only
 * bad options throw. Identical evaluations are served from a bounded cache whose entries never
 * outlive the certificates' validity.
 *
 * Defaults: `policy` `{ kind: 'basicX509' }`, `time` now, `intermediates` none, `cache` true.
 *
 * @example
 * ```ts
 * const result = await evaluateTrust([leafPem, intermediatePem], {
 *   anchors: [rootPem],
 *   policy: { kind: 'ssl', hostname: 'listener-name.local' },
 * });
 * if (!result.trusted) console.error(result.error!.code, result.explain());
 * ```
 * @throws ConfigError INVALID_OPTION for bad options (never for an untrusted or malformed chain).
 */
export async function evaluateTrust(chain: CertificateList, options: EvaluateTrustOptions): Promise<TrustResult> {
  return evaluateTrustSync(chain, options);
}
