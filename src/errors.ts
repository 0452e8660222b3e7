/**
 * Typed errors. Every failure localtls reports is a {@link LocalTlsError} with a stable
 * machine-readable `code` (listed in docs/errors.md) and a message that says what was expected
 * and what was found. Secrets (passwords, keys) never appear in messages.
 *
 * @example
 * ```ts
 * try { await Identity.fromPKCS12(bytes, 'wrong'); }
 * catch (e) { if (e instanceof LocalTlsError && e.code === 'BAD_PASSWORD') askAgain(); }
 * ```
 */

/** Every error code localtls can raise. Stable: codes are never renamed. See docs/errors.md. */
export type ErrorCode =
  // misuse and input
  | 'INVALID_OPTION'
  | 'INVALID_HOST'
  | 'INPUT_TOO_LARGE'
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'INVALID_STATE'
  // identities and keys
  | 'NO_KEY'
  | 'NO_CERTIFICATE'
  | 'KEY_MISMATCH'
  | 'BAD_PASSWORD'
  | 'ITERATIONS_TOO_HIGH'
  // certificate authority
  | 'NAME_NOT_PERMITTED'
  | 'LINT_FAILED'
  | 'BAD_CSR'
  | 'ROLLOVER_IN_PROGRESS'
  | 'ROLLOVER_MISMATCH'
  // stores
  | 'IO_ERROR'
  | 'DUPLICATE_ITEM'
  | 'ITEM_NOT_FOUND'
  | 'CORRUPT_ITEM'
  | 'INSECURE_PERMISSIONS'
  | 'STORE_LOCKED'
  | 'KNOWN_HOST_CHANGED'
  // trust evaluation
  | 'NOT_TRUSTED'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'BAD_SIGNATURE'
  | 'NOT_A_CA'
  | 'PATH_LENGTH_EXCEEDED'
  | 'BAD_KEY_USAGE'
  | 'BAD_EXTENDED_KEY_USAGE'
  | 'NAME_CONSTRAINTS'
  | 'HOSTNAME_MISMATCH'
  | 'WEAK_KEY'
  | 'WEAK_SIGNATURE'
  | 'UNKNOWN_CRITICAL_EXTENSION'
  | 'PIN_MISMATCH'
  // transport
  | 'CERTIFICATE_VERIFY_FAILED'
  | 'VERIFY_HOOK_ERROR'
  | 'VERIFY_TIMEOUT'
  | 'HANDSHAKE_TIMEOUT'
  | 'CONNECT_TIMEOUT'
  | 'CONNECTION_REFUSED'
  | 'CONNECTION_RESET'
  | 'HOST_NOT_FOUND'
  | 'TLS_VERSION_REFUSED'
  | 'PEER_REJECTED_CERTIFICATE'
  | 'PROTOCOL_ERROR'
  | 'ADDRESS_IN_USE'
  | 'MESSAGE_TOO_LARGE'
  | 'CANCELLED'
  | 'NAME_CONFLICT'
  | 'WORKER_FAILED'
  // command-line tool
  | 'USAGE'
  | 'PASSWORD_REQUIRED'
  // enrollment and system trust (CLI)
  | 'UNSUPPORTED_PLATFORM'
  | 'COMMAND_FAILED'
  // pairing (network enrollment)
  | 'PAIRING_CODE_WRONG'
  | 'PAIRING_CODE_EXPIRED'
  | 'PAIRING_CODE_USED'
  | 'PAIRING_CODE_EXHAUSTED'
  | 'PAIRING_PROOF_FAILED'
  | 'PAIRING_DENIED';

/** Extra, non-secret facts attached to an error (for example a trust result or a file name). */
export interface ErrorOptions {
  /** The lower-level error that caused this one, if any. */
  cause?: unknown;
  /** One sentence telling the user how to fix it. */
  hint?: string;
  /** Structured, non-secret details for programs. */
  details?: Record<string, unknown>;
}

/**
 * The base class of every error localtls raises.
 *
 * @example
 * ```ts
 * throw new LocalTlsError('MALFORMED', 'expected a PEM certificate; found 12 bytes of text without a BEGIN line');
 * ```
 */
export class LocalTlsError extends Error {
  /** Stable machine-readable code; see docs/errors.md. */
  readonly code: ErrorCode;
  /** How to fix it, when there is something to say. */
  readonly hint: string | undefined;
  /** Structured details (never secrets). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LocalTlsError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** `CODE: message` plus the hint on a second line when there is one. */
  override toString(): string {
    return `${this.code}: ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/** A bad argument or option: the caller's code must change. @example `throw new ConfigError('INVALID_OPTION', "minVersion: expected 'TLSv1.2' or 'TLSv1.3'; found 'TLSv1'")` */
export class ConfigError extends LocalTlsError {
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ConfigError';
  }
}

/** A key, certificate, PKCS#12 file or store item could not be used. @example `new IdentityError('KEY_MISMATCH', '...')` */
export class IdentityError extends LocalTlsError {
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'IdentityError';
  }
}

/** A certificate chain was not trusted (raised from a verdict, e.g. by a connection). @example `new TrustError('EXPIRED', '...')` */
export class TrustError extends LocalTlsError {
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'TrustError';
  }
}

/** A listener or connection failed. @example `conn.on('state', (s, err) => err instanceof ConnectionError && console.log(err.code))` */
export class ConnectionError extends LocalTlsError {
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'ConnectionError';
  }
}

/**
 * True when `value` is a LocalTlsError, optionally with the given code.
 *
 * @example
 * ```ts
 * if (isLocalTlsError(err, 'BAD_PASSWORD')) retry();
 * ```
 */
export function isLocalTlsError(value: unknown, code?: ErrorCode): value is LocalTlsError {
  return value instanceof LocalTlsError && (code === undefined || value.code === code);
}
