/**
 * Public-key pinning: accept a peer only when its chain carries one of the given keys, identified
 * by the SHA-256 of the SubjectPublicKeyInfo (the HPKP / `openssl pkey -pubout | sha256` value).
 */
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { ConfigError, LocalTlsError } from '../errors.js';
import { describe } from '../internal/options.js';
import { certLabel } from './describe.js';
import { resolvePolicy, type TrustPolicy } from './policy.js';
import { makeTrustResult, type TrustResult } from './result.js';
import { checkSignature } from './signature-check.js';
import type { VerifyContext } from './verify-context.js';

/**
 * The SHA-256 of a certificate's SubjectPublicKeyInfo, base64 (as in `sha256/…` pins).
 * Same value as `openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`.
 *
 * @example
 * ```ts
 * const pin = spkiSha256(ca.certificate); // 'r/mIkG3eEpVdm+u/ko/cwxzOMo1bk4TyHIlByibiA5E='
 * ```
 * @throws IdentityError MALFORMED when the input is not a certificate.
 */
export function spkiSha256(cert: CertificateInput): string {
  return Certificate.from(cert).spkiSha256.base64;
}

/** Normalises a pin (base64, `sha256/base64`, or 64 hex digits with or without colons) to base64. */
function normalizePin(pin: unknown, index: number): string {
  if (typeof pin === 'string') {
    const text = pin.trim().replace(/^sha256\//i, '');
    const hex = text.replace(/:/g, '');
    if (/^[0-9a-fA-F]{64}$/.test(hex)) return Buffer.from(hex, 'hex').toString('base64');
    if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return text;
    const url = text.replace(/-/g, '+').replace(/_/g, '/');
    if (/^[A-Za-z0-9+/]{43}$/.test(url)) return `${url}=`;
  }
  throw new ConfigError('INVALID_OPTION', `pins[${index}]: expected an SPKI SHA-256 as base64 (44 characters, optionally prefixed "sha256/") or 64 hex digits; found ${describe(pin)}`, {
    hint: 'compute pins with spkiSha256(certificate)',
  });
}

/**
 * Checks a peer chain (leaf first, as sent) against pins. A pin on the leaf counts directly (the
 * TLS handshake proves the peer holds that key); a pin on a certificate further up counts only when
 * every certificate below it is signed by the next one, so a pinned CA certificate merely appended
 * to a chain proves nothing. Returns a verdict with code PIN_MISMATCH when no pin matches.
 *
 * @example
 * ```ts
 * const verdict = checkPins(peerChain, [spkiSha256(ca.certificate)]);
 * if (!verdict.trusted) console.error(verdict.explain());
 * ```
 * @throws ConfigError INVALID_OPTION for a malformed pin list.
 */
export function checkPins(chain: readonly CertificateInput[], pins: readonly string[], time: Date = new Date()): TrustResult {
  const wanted = pinSet(pins);
  let certs: Certificate[];
  try {
    certs = Certificate.fromList([...chain]);
  } catch (error) {
    const reason = error instanceof LocalTlsError ? error.message : String(error);
    return makeTrustResult([], [{ code: 'MALFORMED', message: `peer chain could not be read: ${reason}` }], time);
  }
  if (certs.length === 0) {
    return makeTrustResult([], [{ code: 'PIN_MISMATCH', message: 'the peer sent no certificate, so no pinned key can match — the peer must present its certificate' }], time);
  }
  for (let i = 0; i < certs.length; i++) {
    if (i > 0) {
      const child = certs[i - 1]!;
      const parent = certs[i]!;
      const linked = Buffer.compare(child.issuerDer, parent.subjectDer) === 0 && checkSignature(child, parent) === 'valid';
      if (!linked) break;
    }
    if (wanted.has(certs[i]!.spkiSha256.base64)) return makeTrustResult(certs.slice(0, i + 1), [], time);
  }
  const seen = certs.map((c) => `${certLabel(c)} sha256/${c.spkiSha256.base64}`).join(', ');
  return makeTrustResult(certs, [{
    code: 'PIN_MISMATCH', certificateIndex: 0,
    message: `none of the peer's keys is pinned: expected one of ${[...wanted].map((p) => `sha256/${p}`).join(', ')}; found ${seen} — if the peer was re-keyed on purpose, update the pins`,
  }], time);
}

function pinSet(pins: readonly string[]): Set<string> {
  if (!Array.isArray(pins) || pins.length === 0) {
    throw new ConfigError('INVALID_OPTION', `pins: expected a non-empty array of SPKI SHA-256 pins; found ${describe(pins)}`);
  }
  return new Set(pins.map(normalizePin));
}

/** Options of {@link pinnedKeys}. */
export interface PinnedKeysOptions {
  /**
   * Also require `ctx.evaluate(policy)` to be trusted (chain to the connection's trust roots).
   * Default: undefined — the pin alone decides (pinning replaces the CA check).
   */
  policy?: TrustPolicy;
  /** Called with the failing verdict (PIN_MISMATCH, or the policy's) when the hook rejects; for logging. */
  onReject?: (result: TrustResult) => void;
}

/**
 * A verify hook that accepts the peer only when its chain carries one of `pins` (see
 * {@link checkPins} for how non-leaf pins are honoured), optionally also requiring a policy.
 * It answers with the verdict itself (a TrustResult), so a refused connection's error carries
 * `details.trustCode` (`PIN_MISMATCH`, or the policy's code).
 * The pins are checked against the chain the peer sends: pin the server's own key (or an
 * intermediate it sends); a localtls listener does not send its root, so a root's pin never matches.
 *
 * @example
 * ```ts
 * connect('listener-name.local', 4433, {
 *   verify: pinnedKeys([spkiSha256(serverIdentity.certificate)], { onReject: (r) => console.error(r.explain()) }),
 * });
 * ```
 * @throws ConfigError INVALID_OPTION for malformed pins or options (when called, not per connection).
 */
export function pinnedKeys(pins: readonly string[], options: PinnedKeysOptions = {}): (ctx: VerifyContext) => Promise<TrustResult> {
  const wanted = [...pinSet(pins)];
  if (options.policy !== undefined) resolvePolicy(options.policy, 'policy');
  if (options.onReject !== undefined && typeof options.onReject !== 'function') {
    throw new ConfigError('INVALID_OPTION', `onReject: expected a function; found ${describe(options.onReject)}`);
  }
  return async (ctx: VerifyContext): Promise<TrustResult> => {
    const pinned = checkPins(ctx.peerCertificates, wanted);
    if (!pinned.trusted) { options.onReject?.(pinned); return pinned; }
    if (options.policy === undefined) return pinned;
    const result = await ctx.evaluate(options.policy);
    if (!result.trusted) options.onReject?.(result);
    return result;
  };
}
