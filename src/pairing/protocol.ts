/**
 * The pairing protocol's messages (framed JSON, see Connection.sendMessage) and the bounded read
 * both sides use. Each side sends at most two messages, so each read has one time budget.
 *
 * server → device  { type: 'root', root }                         the CA's root (public); the device checks the endpoint's certificate under it
 * device → server  { type: 'hello', version: 1, proof }          proof of the code
 * server → device  { type: 'proof', proof } | { type: 'error', code, message }
 * device → server  { type: 'csr', csr }                           only after the server's proof checked
 * server → device  { type: 'issued', chain, root, profile } | { type: 'error', code, message }
 */
import { ConnectionError, LocalTlsError, type ErrorCode } from '../errors.js';
import type { Connection } from '../transport/index.js';

/** Protocol version sent in 'hello'. */
export const PAIRING_PROTOCOL_VERSION = 1;
/** ALPN name of the enrollment endpoint (keeps other TLS clients from speaking to it by mistake). */
export const PAIRING_ALPN = 'localtls-pairing/1';
/** Largest pairing message (a CSR or a chain): 64 KiB. */
export const MAX_PAIRING_MESSAGE = 64 * 1024;
/** Default time one step may take (a message to arrive): 30 s. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

/** Codes a server may send in an 'error' message; anything else is reported as PROTOCOL_ERROR. */
const PEER_CODES: readonly ErrorCode[] = ['PAIRING_CODE_WRONG', 'PAIRING_CODE_EXPIRED', 'PAIRING_CODE_USED', 'PAIRING_CODE_EXHAUSTED', 'PAIRING_DENIED', 'BAD_CSR', 'NAME_NOT_PERMITTED', 'PROTOCOL_ERROR'];

/** A JSON object message of the expected `type`. */
export type PairingMessage = Record<string, unknown> & { type: string };

/**
 * Reads the next message within `timeoutMs`; a peer 'error' message becomes a LocalTlsError with
 * the peer's code. @throws ConnectionError PROTOCOL_ERROR, HANDSHAKE_TIMEOUT; the peer's code
 */
export async function readMessage(conn: Connection, reader: AsyncIterator<unknown>, expected: string, timeoutMs: number): Promise<PairingMessage> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      conn.forceCancel();
      reject(new ConnectionError('HANDSHAKE_TIMEOUT', `pairing: expected a '${expected}' message within ${timeoutMs} ms; found none`));
    }, timeoutMs);
  });
  try {
    const next = await Promise.race([reader.next(), timeout]) as IteratorResult<{ type: string; value?: unknown }>;
    if (next.done) throw new ConnectionError('PROTOCOL_ERROR', `pairing: expected a '${expected}' message; the peer closed the connection`);
    const value = next.value.type === 'json' ? next.value.value : undefined;
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ConnectionError('PROTOCOL_ERROR', `pairing: expected a '${expected}' JSON object; found another kind of message`);
    const message = value as PairingMessage;
    if (message.type === 'error' && expected !== 'error') throw peerError(message);
    if (message.type !== expected) throw new ConnectionError('PROTOCOL_ERROR', `pairing: expected a '${expected}' message; found ${JSON.stringify(String(message.type)).slice(0, 40)}`);
    return message;
  } finally {
    clearTimeout(timer);
  }
}

function peerError(message: PairingMessage): LocalTlsError {
  const code = PEER_CODES.includes(message.code as ErrorCode) ? message.code as ErrorCode : 'PROTOCOL_ERROR';
  const text = typeof message.message === 'string' ? message.message.slice(0, 300) : 'no reason given';
  return new LocalTlsError(code, `the enrollment endpoint refused: ${text}`);
}

/** Sends an 'error' message (best effort) and closes the connection. */
export async function refuse(conn: Connection, error: LocalTlsError): Promise<void> {
  try { await conn.sendMessage({ type: 'error', code: error.code, message: error.message }); } catch { /* the peer is gone */ }
  conn.cancel();
}
