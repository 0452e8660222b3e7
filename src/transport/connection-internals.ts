/**
 * The parts of a Connection that are not its behaviour (internal): the hooks connect() and the
 * Listener drive it through, what they hand it (settings shared per listener, the client's driver),
 * the bits of its packed flags, and the small records it keeps (a pending write, the ready signal,
 * the client-only state). Kept apart so connection.ts holds only the state machine and its I/O.
 */
import { ConnectionError, type LocalTlsError } from '../errors.js';
import type { Connection } from './connection.js';

/** The client-side driver that dials (internal). */
export interface ConnectionDriver {
  start(): void;
  restart(): void;
  /** The connection ended (with `error` when it failed): stop timers, forget what is no longer needed. */
  dispose(error?: LocalTlsError): void;
}

/** Told, before the connection's own 'state' listeners, when a connection ends (internal; the Listener). */
export interface ConnectionObserver {
  connectionEnded(conn: Connection, state: 'failed' | 'cancelled', error: LocalTlsError | undefined): void;
  /**
   * The TLS socket of a connection that became ready emitted 'close' (once; also when the
   * connection ended before). Pairs with `conn[kSocketOpen]` read when it was handed out.
   */
  establishedSocketClosed?(conn: Connection): void;
}

/** A send() waiting for verification or for the kernel. */
export interface PendingWrite {
  data: Uint8Array;
  final: boolean;
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

/** Internal hooks, not exported from the package. */
export const kAttach = Symbol('attach');
export const kEstablish = Symbol('establish');
export const kFail = Symbol('fail');
export const kPhase = Symbol('phase');
export const kPreparing = Symbol('preparing');
export const kWaiting = Symbol('waiting');
export const kSocketOpen = Symbol('socketOpen');

// #flags bits: booleans packed into one small integer (a field each would cost 8 bytes per connection).
/** We presented a certificate (client side). */
export const PRESENTED = 1;
/** The server sent a CertificateRequest (client side). */
export const REQUESTED = 2;
/** Our final data was sent: no more send(). */
export const ENDED = 4;
/** A reader (async iteration, messages()) is consuming. */
export const ITERATING = 8;
/** At least one byte arrived from the peer after ready. */
export const RECEIVED = 16;
/** The peer ended its side while verification was still running. */
export const PEER_END = 32;
/** The peer closed the whole socket while verification was still running. */
export const PEER_CLOSE = 64;
/** remoteAddress is the same text as host (the listener side): not stored twice. */
export const ADDRESS_IS_HOST = 128;
/** The TLS socket emitted 'close'. */
export const SOCKET_CLOSED = 256;

const noop = (): void => {};

/** A rejected promise already marked handled (the caller may ignore it). */
export function rejected<T>(error: unknown): Promise<T> {
  const p = Promise.reject(error) as Promise<T>;
  p.catch(noop);
  return p;
}

/** Rejects a write's promise, marking it handled first (a send() nobody awaited must not crash the process). */
export function rejectWrite(w: PendingWrite, error: unknown): void {
  w.promise.catch(noop);
  w.reject(error);
}

/**
 * What connections of one listener (or one connect() call) share (internal): made once per
 * listener, so each of its connections holds one reference instead of a field per setting.
 */
export interface ConnectionSettings {
  readonly side: 'client' | 'server';
  readonly maxMessageSize: number;
  /** How long after `ready` a bare close still counts as the peer rejecting our certificate. */
  readonly rejectionWindowMs: number;
  readonly observer?: ConnectionObserver;
}

/** Construction options (internal). */
export interface ConnectionInit {
  host: string;
  port: number;
  settings: ConnectionSettings;
  driver?: ConnectionDriver;
}

/** A client connection's own state: its dialer, the address dialed, when it became ready. */
export interface ClientSide {
  driver: ConnectionDriver | undefined;
  /** The peer's address when it is not the text of `host` (a name was dialed). */
  remoteAddress: string | undefined;
  /** When ready, only where a rejection window applies. */
  readyAt: number | undefined;
}

/** The ready promise and, while it is pending, its resolve/reject (one object, made only when asked for). */
export interface ReadySignal {
  readonly promise: Promise<void>;
  resolve: (() => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
}

/** The error of a connection cancelled before it was ready (or of what was pending then). */
export function cancelledError(): ConnectionError {
  return new ConnectionError('CANCELLED', 'the connection was cancelled');
}
