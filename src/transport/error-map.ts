/**
 * Maps node:net / node:tls errors to ConnectionErrors with a stable code and a hint a person can act on.
 */
import { ConnectionError, LocalTlsError, type ErrorCode } from '../errors.js';

/** Where in the connection's life the error happened. */
export type FailurePhase = 'resolve' | 'connect' | 'handshake' | 'verify' | 'established';

/** Context for the message. */
export interface FailureContext {
  /** 'host:port' as dialed (client) or the client's address (listener). */
  peer: string;
  phase: FailurePhase;
  /** True when this side presented a client certificate. */
  presentedCertificate?: boolean;
}

const VERSION_CODES = new Set([
  'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE',
  'ERR_SSL_WRONG_SSL_VERSION', 'ERR_SSL_VERSION_TOO_LOW', 'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY',
]);
const PEER_REJECTED_CODES = new Set([
  'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN',
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED', 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR',
]);

/**
 * The ConnectionError for a low-level error. LocalTlsErrors pass through unchanged.
 *
 * @example
 * ```ts
 * socket.on('error', (e) => fail(mapSocketError(e, { peer: 'a.local:4433', phase: 'handshake' })));
 * ```
 */
export function mapSocketError(error: unknown, context: FailureContext): LocalTlsError {
  if (error instanceof LocalTlsError) return error;
  const err = error as NodeJS.ErrnoException & { reason?: string };
  const code = typeof err?.code === 'string' ? err.code : '';
  const what = err instanceof Error ? err.message : String(error);
  const make = (c: ErrorCode, message: string, hint?: string) => new ConnectionError(c, `${message} (${context.peer})`, { cause: error, hint, details: { nodeCode: code || undefined, phase: context.phase } });

  if (code === 'ECONNREFUSED') return make('CONNECTION_REFUSED', 'the peer refused the TCP connection: nothing is listening on that port', 'check the port and that the listener is running; pass retry: { attempts } to keep trying');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME' || code === 'EAI_NODATA') {
    return make('HOST_NOT_FOUND', `the name could not be resolved (${code})`, 'check the name; for .local names make sure mDNS works here, or pass a lookup option');
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL') return make('CONNECTION_REFUSED', `the peer is unreachable (${code})`, 'check that both devices are on the same network');
  if (code === 'ETIMEDOUT') return make('CONNECT_TIMEOUT', 'the TCP connection timed out', 'check that the device is on and reachable');
  if (VERSION_CODES.has(code)) return make('TLS_VERSION_REFUSED', `no TLS version both sides accept: ${what}`, 'localtls speaks TLS 1.2 and 1.3 only; upgrade the peer or lower its floor to TLS 1.2');
  if (PEER_REJECTED_CODES.has(code) || /alert (bad certificate|unknown ca|certificate required|certificate unknown)/i.test(what)) {
    return make('PEER_REJECTED_CERTIFICATE', `the peer rejected ${context.presentedCertificate ? 'our client certificate' : 'the handshake because of a certificate'}: ${what}`, context.presentedCertificate ? "make sure the listener trusts the CA that issued this device's certificate" : 'the listener requires a client certificate: pass connect(..., { identity })');
  }
  if ((code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_SSL_PREMATURE_CLOSE' || code === 'PREMATURE_CLOSE') && context.presentedCertificate && context.phase !== 'established') {
    return make('PEER_REJECTED_CERTIFICATE', 'the peer closed the connection right after the handshake, before sending any data: it did not accept our client certificate', "make sure the listener trusts the CA that issued this device's certificate");
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return make('CONNECTION_RESET', context.phase === 'handshake' ? 'the peer reset the connection during the TLS handshake' : 'the peer reset the connection', context.phase === 'handshake' ? 'the peer may not speak TLS on this port, or may require a client certificate' : undefined);
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_HTTP_REQUEST') {
    return make('PROTOCOL_ERROR', `the peer does not speak TLS on this port: ${what}`, 'check the port: is it a plain TCP or HTTP service?');
  }
  if (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' || code === 'ERR_SSL_NO_SHARED_CIPHER' || code === 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM') {
    return make('PROTOCOL_ERROR', `no TLS parameters both sides accept: ${what}`, 'localtls offers ECDHE with AES-GCM or ChaCha20-Poly1305 only');
  }
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return make('HANDSHAKE_TIMEOUT', 'the TLS handshake did not finish in time', 'the peer may not speak TLS, or is overloaded');
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return make('PROTOCOL_ERROR', `TLS error: ${what}`);
  return make(context.phase === 'established' ? 'CONNECTION_RESET' : 'PROTOCOL_ERROR', `connection error: ${what}`);
}

/** A connection closed by the peer without an error, at a point where that is a failure. @example `prematureClose({ peer, phase: 'handshake' })` */
export function prematureClose(context: FailureContext): ConnectionError {
  if (context.presentedCertificate && context.phase !== 'established') {
    return new ConnectionError('PEER_REJECTED_CERTIFICATE', `the peer closed the connection right after the handshake, before sending any data: it did not accept our client certificate (${context.peer})`, {
      hint: "make sure the listener trusts the CA that issued this device's certificate", details: { phase: context.phase },
    });
  }
  if (context.phase === 'verify') {
    return new ConnectionError('CONNECTION_RESET', `the peer closed the connection right after the handshake, before sending any data (${context.peer})`, {
      hint: 'the listener may require a client certificate: pass connect(..., { identity })', details: { phase: context.phase },
    });
  }
  return new ConnectionError(context.phase === 'handshake' ? 'PROTOCOL_ERROR' : 'CONNECTION_RESET', `the peer closed the connection ${context.phase === 'handshake' ? 'during the TLS handshake' : 'unexpectedly'} (${context.peer})`, {
    hint: context.phase === 'handshake' ? 'the peer may not speak TLS on this port, may refuse TLS 1.2+ or may require a client certificate' : undefined, details: { phase: context.phase },
  });
}
