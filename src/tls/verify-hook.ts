/**
 * Verify-hook plumbing: the ONE place where node:tls's own verification is switched off
 * (`rejectUnauthorized: false`), and, right here, the code that runs the real verification
 * (localtls's evaluateTrust, or the caller's hook) before a connection becomes ready.
 *
 * Why: node:tls's check runs in OpenSSL against OpenSSL's store, its name check
 * (`checkServerIdentity`) must be synchronous, falls back to the common name and is skipped on
 * resumed sessions. Here verification is asynchronous, SAN-only, runs on every connection
 * (resumed ones included) and the transport holds all application data until it answers.
 */
import { ConnectionError, LocalTlsError, TrustError } from '../errors.js';
import { canonicalHost } from '../cert/name-match.js';
import type { TrustResult } from '../trust/index.js';
import { createVerifyContext, evaluatePeer, type TlsVerifyHook, type VerifyFacts } from './verify-context.js';
import { formatHostPort } from '../internal/host-port.js';

/**
 * node:tls client options that leave the decision to {@link verifyPeer}. `checkServerIdentity` is
 * a no-op: it is never the real decision (it cannot be async and does not run on resumption).
 * @example `tls.connect({ ...clientVerificationOptions(), servername, host, port })`
 */
export function clientVerificationOptions(): { rejectUnauthorized: false; checkServerIdentity: () => undefined } {
  return { rejectUnauthorized: false, checkServerIdentity: noIdentityCheck };
}

/** One function for every socket (node:tls keeps the options object, and so this, per connection). */
const noIdentityCheck = (): undefined => undefined;

/**
 * node:tls server options for client certificates: ask for one when `request` is true, and leave
 * the decision to {@link verifyPeer}.
 * @example `tls.createServer({ ...serverVerificationOptions(true), ...identity.tlsOptions() })`
 */
export function serverVerificationOptions(request: boolean): { requestCert: boolean; rejectUnauthorized: false } {
  return { requestCert: request, rejectUnauthorized: false };
}

/**
 * The listener's default policy for client certificates: the SSL client policy, no name (a device's
 * address says nothing about who it is). Frozen, so it is resolved once for every connection.
 * @example `verifyPeer({ ..., side: 'server', defaultPolicy: CLIENT_CERTIFICATE_POLICY })`
 */
export const CLIENT_CERTIFICATE_POLICY: Readonly<{ kind: 'ssl'; server: false }> = Object.freeze({ kind: 'ssl', server: false });

/** Default time a verify hook may take: 10 s. */
export const DEFAULT_VERIFY_TIMEOUT_MS = 10_000;

/** Everything {@link verifyPeer} needs. */
export interface VerifyRequest extends VerifyFacts {
  hook: TlsVerifyHook | undefined;
  /** Milliseconds the hook may take (default 10 s). */
  timeoutMs?: number;
  /** Server side: refuse a client that presents no certificate. */
  requireCertificate?: boolean;
}

/** The verdict: accepted (with the TrustResult when one was computed), or the error to fail with. */
export type VerifyOutcome = { ok: true; trustResult: TrustResult | undefined } | { ok: false; error: ConnectionError };

/**
 * Runs the verification exactly once: the hook when given, otherwise the default verifier
 * (`evaluate(defaultPolicy)` against the anchors). Never throws and never rejects: a hook throwing
 * a TrustError (a refusal with a reason, such as tofu()'s KNOWN_HOST_CHANGED) becomes
 * CERTIFICATE_VERIFY_FAILED with `details.trustCode` = its code; any other throw becomes VERIFY_HOOK_ERROR, a hook that does not answer within `timeoutMs` VERIFY_TIMEOUT, a refusal
 * CERTIFICATE_VERIFY_FAILED with the TrustResult in `details.trustResult`.
 *
 * @example
 * ```ts
 * const outcome = await verifyPeer({ side: 'client', peerCertificates, host, port, ... });
 * if (!outcome.ok) socket.destroy();
 * ```
 */
export async function verifyPeer(request: VerifyRequest): Promise<VerifyOutcome> {
  return verifyPeerNow(request) ?? await verifyWithHook(request as VerifyRequest & { hook: TlsVerifyHook });
}

/**
 * The verdict when it needs no hook — the default verifier, or a missing certificate — computed
 * synchronously; undefined when the hook must run (then use {@link verifyPeer}). The same rules as
 * verifyPeer, which calls this first; a caller that can take the answer at once saves a promise turn.
 *
 * @example
 * ```ts
 * const now = verifyPeerNow(request);
 * if (now) finish(now); else void verifyPeer(request).then(finish);
 * ```
 */
export function verifyPeerNow(request: VerifyRequest): VerifyOutcome | undefined {
  if (request.peerCertificates.length === 0) {
    if (request.side === 'client') return fail('CERTIFICATE_VERIFY_FAILED', `${whoIs(request)} presented no certificate${request.resumed ? ' (resumed session without a remembered chain)' : ''}`);
    if (request.requireCertificate) return fail('CERTIFICATE_VERIFY_FAILED', `${whoIs(request)} presented no client certificate; this listener requires one`, 'issue the device a client certificate (ca.issue({ clientAuth: true, ... })) and pass it as connect(..., { identity })');
    if (!request.hook) return { ok: true, trustResult: undefined };
  }
  if (request.hook) return undefined;
  // The default verifier: the same evaluation ctx.evaluate() runs, without building a context.
  let result: TrustResult;
  try { result = evaluatePeer(request); }
  catch (cause) { return fail('VERIFY_HOOK_ERROR', `evaluating ${whoIs(request)}'s certificate failed: ${messageOf(cause)}`, undefined, cause); }
  return result.trusted ? { ok: true, trustResult: result } : refused(request, whoIs(request), result, false);
}

/** The hook's verdict, within its time budget. */
async function verifyWithHook(request: VerifyRequest & { hook: TlsVerifyHook }): Promise<VerifyOutcome> {
  const who = whoIs(request);
  const { context, lastResult } = createVerifyContext(request);
  const timeoutMs = request.timeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMEOUT>((resolve) => { timer = setTimeout(resolve, timeoutMs, TIMEOUT); });
  let answer: unknown;
  try {
    answer = await Promise.race([Promise.resolve().then(() => request.hook(context)), timeout]);
  } catch (cause) {
    // A TrustError is a deliberate refusal with a reason (e.g. tofu()'s KNOWN_HOST_CHANGED), not a bug in the hook.
    if (cause instanceof TrustError) {
      return fail('CERTIFICATE_VERIFY_FAILED', `the verify hook refused ${who}: ${cause.code}: ${cause.message}`, cause.hint, cause, { trustCode: cause.code, ...cause.details });
    }
    return fail('VERIFY_HOOK_ERROR', `the verify hook threw while checking ${who}: ${messageOf(cause)}`, 'fix the exception in your verify hook; the connection was closed without exchanging data', cause);
  } finally {
    clearTimeout(timer);
  }
  if (answer === TIMEOUT) {
    return fail('VERIFY_TIMEOUT', `the verify hook did not answer within ${timeoutMs} ms for ${who}`, 'make the hook return (or resolve) true or false; raise verifyTimeout if it legitimately needs longer');
  }
  if (answer === true) return { ok: true, trustResult: lastResult() };
  if (isTrustResult(answer)) return answer.trusted ? { ok: true, trustResult: answer } : refused(request, who, answer, true);
  if (answer === false) {
    const last = lastResult();
    if (last && !last.trusted) return refused(request, who, last, true);
    return fail('CERTIFICATE_VERIFY_FAILED', `the verify hook refused ${who}`, undefined, undefined, last ? { trustResult: last } : undefined);
  }
  return fail('VERIFY_HOOK_ERROR', `the verify hook returned ${typeof answer === 'object' ? 'an object' : String(answer)} for ${who}; expected true, false or a TrustResult`, 'return a boolean (or a TrustResult) from the verify hook');
}

const TIMEOUT = Symbol('timeout');

/** "the listener at host:port" / "the client at host:port", for messages (built only when needed). */
function whoIs(request: VerifyRequest): string {
  return `${request.side === 'client' ? 'the listener' : 'the client'} at ${formatHostPort(request.host, request.port)}`;
}

function refused(request: VerifyRequest, who: string, result: TrustResult, byHook: boolean): VerifyOutcome {
  const error = result.error;
  const reason = error ? `${error.code}: ${error.message}` : 'not trusted';
  return fail('CERTIFICATE_VERIFY_FAILED', `${byHook ? 'the verify hook refused' : 'could not verify'} ${who}: ${reason}`, hintFor(request, result), undefined, { trustResult: result, trustCode: error?.code });
}

/** A hint a person can act on, for a refused chain. */
function hintFor(request: VerifyRequest, result: TrustResult): string | undefined {
  const code = result.error?.code;
  if (request.side === 'server') {
    if (code === 'NOT_TRUSTED') return "add the CA that issued the device's certificate to the listener's trustRoots";
    return undefined;
  }
  const isIp = canonicalHost(request.host)?.type === 'ip';
  switch (code) {
    case 'NOT_TRUSTED':
      return "install the listener's root certificate: pass connect(host, port, { trustRoots: [ca.certificate] }) (or add it to the trust store)";
    case 'HOSTNAME_MISMATCH':
      return isIp
        ? `add ${request.host} to the certificate (ca.issue({ hosts: [..., '${request.host}'] })), dial a name it lists, or, when dialing an address not in the certificate, use a verify hook with ctx.evaluate({ kind: 'basicX509' })`
        : `dial a name the certificate lists, or reissue it with '${request.host}' in hosts`;
    case 'EXPIRED':
    case 'NOT_YET_VALID':
      return "check both devices' clocks, then reissue the certificate if it really is out of date";
    case 'BAD_EXTENDED_KEY_USAGE':
      return 'reissue the certificate with the serverAuth extended key usage (ca.issue does this by default)';
    default:
      return undefined;
  }
}

function isTrustResult(value: unknown): value is TrustResult {
  return typeof value === 'object' && value !== null && typeof (value as TrustResult).trusted === 'boolean' && Array.isArray((value as TrustResult).findings);
}

function messageOf(cause: unknown): string {
  if (cause instanceof LocalTlsError) return `${cause.code}: ${cause.message}`;
  return cause instanceof Error ? cause.message : String(cause);
}

function fail(code: 'CERTIFICATE_VERIFY_FAILED' | 'VERIFY_HOOK_ERROR' | 'VERIFY_TIMEOUT', message: string, hint?: string, cause?: unknown, details?: Record<string, unknown>): VerifyOutcome {
  return { ok: false, error: new ConnectionError(code, message, { hint, cause, details }) };
}
