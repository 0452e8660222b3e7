/**
 * Connection: one TLS connection, as NWConnection. Created by `connect()` (client side) or handed
 * out by a Listener's 'connection' event (server side, already ready). No application byte moves
 * in either direction until verification has passed: writes are queued, the peer's bytes stay in
 * the socket unread, and on refusal the socket is destroyed without flushing anything.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { ConnectionError, ConfigError, LocalTlsError } from '../errors.js';
import { describe, integerIn } from '../internal/options.js';
import { CONNECTION_TRANSITIONS, canTransition, type ConnectionState } from './state.js';
import { mapSocketError, prematureClose, type FailurePhase } from './error-map.js';
import { ReceiveBuffer, type Reader, type Received } from './receive-buffer.js';
import { SocketTlsInfo, type SessionParams, type TlsInfo } from './tls-info.js';
import { encodeMessage, type Message } from './framing.js';
import { connectionDuplex, readMessages } from './connection-streams.js';
import { formatHostPort } from '../internal/host-port.js';
import {
  ADDRESS_IS_HOST, cancelledError, ENDED, ITERATING, PEER_CLOSE, PEER_END, PRESENTED, RECEIVED, rejected, rejectWrite, REQUESTED, SOCKET_CLOSED,
  kAttach, kEstablish, kFail, kPhase, kPreparing, kSocketOpen, kWaiting,
  type ClientSide, type ConnectionInit, type ConnectionSettings, type PendingWrite, type ReadySignal,
} from './connection-internals.js';

export type { TlsInfo } from './tls-info.js';
export { kAttach, kEstablish, kFail, kPhase, kPreparing, kSocketOpen, kWaiting } from './connection-internals.js';
export type { ConnectionDriver, ConnectionInit, ConnectionObserver, ConnectionSettings } from './connection-internals.js';

/** Options of `send`. */
export interface SendOptions {
  /** Close our sending side after this data (TLS close_notify, then TCP FIN). Default false. */
  final?: boolean;
}

/** The Connection that owns a socket: lets one shared listener per event serve every socket. */
const kOwner = Symbol('localtls.connection');
/** cancel()'s grace timer, cleared when the socket closes (so a closed socket is not kept for the grace period). */
const kGrace = Symbol('localtls.grace');
type OwnedSocket = TLSSocket & { [kOwner]?: Connection; [kGrace]?: NodeJS.Timeout };
const eventEmitterEmit = EventEmitter.prototype.emit;

const noop = (): void => {};
const destroySocket = (socket: TLSSocket): void => { socket.destroy(); };
const CLOSE_GRACE_MS = 2000;
const HIGH_WATER_MARK = 1024 * 1024;
const CHUNK_MAX = 1 << 20;
/** What send() returns for data the socket's buffer took at once (a settled promise is immutable, so one serves all). */
const ACCEPTED: Promise<void> = Promise.resolve();

/**
 * A TLS connection with NWConnection's states and a verify step before any data.
 *
 * Events: `'state' (state, error?)`, emitted once per change. Never emits 'error'.
 *
 * @example
 * ```ts
 * const conn = connect('listener-name.local', 4433, { trustRoots: [ca.certificate] });
 * conn.on('state', (state, error) => console.log(state, error?.code));
 * await conn.ready;
 * await conn.send('hello');
 * for await (const chunk of conn) process.stdout.write(chunk);
 * ```
 */
export class Connection extends EventEmitter {
  /** The host as dialed (client) or the client's address (listener side). */
  readonly host: string;
  /** The peer's port. */
  readonly port: number;

  // Kept small on purpose: a listener may hold thousands of idle connections (every field is 8
  // bytes each). Settings are shared per listener, booleans packed into #flags, and objects that
  // only some connections need (the ready signal, the write queue, the receive buffer) made lazily.
  readonly #settings: ConnectionSettings;
  #state: ConnectionState = 'setup';
  #phase: FailurePhase = 'connect';
  #flags = 0;
  /** What only a client connection has (a listener's connections keep one empty field). */
  readonly #client: ClientSide | undefined;
  #ready: ReadySignal | undefined;
  #socket: TLSSocket | undefined;
  /** Before established: writes queued until verification passed; after: the receive buffer (made when first needed). */
  #io: PendingWrite[] | ReceiveBuffer | undefined;
  #error: LocalTlsError | undefined;
  /** The TlsInfo, or until first asked for, the interned params it is built from (an idle connection never builds it). */
  #info: TlsInfo | SessionParams | undefined;

  constructor(init: ConnectionInit) {
    super();
    // EventEmitter's listener table is a dictionary-mode object (~160 B). Most connections never
    // get a listener; EventEmitter makes the table on the first one when it is undefined.
    (this as unknown as { _events: undefined })._events = undefined;
    this.host = init.host;
    this.port = init.port;
    this.#settings = init.settings;
    if (init.settings.side === 'client') this.#client = { driver: init.driver, remoteAddress: undefined, readyAt: undefined };
  }

  /** 'client' for connect(), 'server' for a listener's connections. */
  get side(): 'client' | 'server' {
    return this.#settings.side;
  }

  /** Resolves when the connection is ready; rejects with the ConnectionError when it fails or is cancelled first. */
  get ready(): Promise<void> {
    return (this.#ready ??= this.#makeReady()).promise;
  }

  #makeReady(): ReadySignal {
    if (this.#phase === 'established') return { promise: Promise.resolve(), resolve: undefined, reject: undefined };
    if (this.#terminal) return { promise: rejected(this.#error ?? cancelledError()), resolve: undefined, reject: undefined };
    let signal!: ReadySignal;
    const promise = new Promise<void>((resolve, reject) => { signal = { promise: undefined as unknown as Promise<void>, resolve, reject }; });
    promise.catch(noop);
    (signal as { promise: Promise<void> }).promise = promise;
    return signal;
  }

  /** The write queue (only before established). */
  get #queue(): PendingWrite[] | undefined {
    return this.#phase === 'established' ? undefined : this.#io as PendingWrite[] | undefined;
  }

  /** The current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  get #terminal(): boolean {
    return CONNECTION_TRANSITIONS[this.#state].length === 0;
  }

  /** The one transition function: moves along CONNECTION_TRANSITIONS and emits each change once. */
  #transition(to: ConnectionState, error?: LocalTlsError): boolean {
    if (!canTransition(CONNECTION_TRANSITIONS, this.#state, to)) return false;
    this.#state = to;
    if (to === 'failed' || to === 'cancelled') this.#settings.observer?.connectionEnded(this, to, error);
    this.emit('state', to, error);
    return true;
  }

  /** The error the connection failed with, if it failed. */
  get error(): LocalTlsError | undefined {
    return this.#error;
  }

  /** TLS facts once ready; undefined before. */
  get tls(): TlsInfo | undefined {
    const info = this.#info;
    if (info === undefined || info instanceof SocketTlsInfo) return info;
    return (this.#info = SocketTlsInfo.unverified(this.#socket!, info as SessionParams));
  }

  /** The peer's IP address once connected. */
  get remoteAddress(): string | undefined {
    if (this.#flags & ADDRESS_IS_HOST) return this.host;
    return this.#client?.remoteAddress ?? this.#raw?.remoteAddress ?? this.#socket?.remoteAddress;
  }

  /** Our local port once connected. */
  get localPort(): number | undefined {
    return this.#raw?.localPort ?? this.#socket?.localPort;
  }

  /** The TCP socket under the TLS socket (the same socket on the client side). */
  get #raw(): Socket | undefined {
    const socket = this.#socket;
    return socket && ((socket as unknown as { _parent?: Socket | null })._parent ?? socket);
  }

  /**
   * Sends bytes (or a UTF-8 string). Before `ready` the data is queued and only written after
   * verification passed; it is discarded if the connection fails. Resolves when the data is
   * accepted: at once while the socket's send buffer is below its high-water mark (as a Writable's
   * `write()` returning true), otherwise once this data has gone to the kernel — so awaiting each
   * send is backpressure. Rejects with the connection's error; a failure after a send resolved is
   * reported by `state` and by every later send. A `final` send resolves once everything is flushed.
   * @example `await conn.send(new TextEncoder().encode('order 12'), { final: true })`
   */
  send(data: Uint8Array | string, options?: SendOptions): Promise<void> {
    if (typeof data !== 'string' && !(data instanceof Uint8Array)) {
      return rejected(new ConfigError('INVALID_OPTION', `send(data): expected a Uint8Array or a string; found ${describe(data)}`));
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const final = options?.final === true;
    if (this.#flags & ENDED) return rejected(new ConnectionError('INVALID_STATE', 'send(): this connection already sent its final data', { hint: 'send { final: true } only with the last data' }));
    if (this.#terminal) return rejected(this.#error ?? new ConnectionError('INVALID_STATE', `send(): the connection is ${this.state}`));
    if (final) this.#flags |= ENDED;
    else if (this.#phase === 'established' && bytes.length > 0) {
      // The common case: room in the socket's buffer. Writable.write() returns true exactly when
      // the buffered bytes plus these stay below the high-water mark, so the answer is known before
      // writing: no promise to settle later, no callback. (A failure after this is the connection's:
      // 'error' ends it, and every later send rejects.)
      const socket = this.#socket!;
      if (!socket.destroyed && socket.writableLength + bytes.length < socket.writableHighWaterMark) {
        // A copy: the caller may reuse its buffer once send() resolved, and the stream may still hold it.
        socket.write(Buffer.from(bytes));
        return ACCEPTED;
      }
    }
    let w!: PendingWrite;
    const promise = new Promise<void>((resolve, reject) => { w = { data: bytes, final, promise: undefined as unknown as Promise<void>, resolve, reject }; });
    w.promise = promise;
    if (this.#phase === 'established') this.#write(w);
    else ((this.#io ??= []) as PendingWrite[]).push(w);
    return promise;
  }

  #write(w: PendingWrite): void {
    const socket = this.#socket!;
    if (w.data.length > 0) {
      // Accepted at once while the socket's buffer is below its high-water mark (as a Writable's
      // write() returning true); otherwise when this data has gone to the kernel: backpressure.
      const early = !w.final && socket.writableLength + w.data.length < socket.writableHighWaterMark;
      // Resolved early, it is written as a copy (the caller may reuse its buffer then).
      socket.write(early ? Buffer.from(w.data) : w.data, (error) => (error ? rejectWrite(w, this.#error ?? mapSocketError(error, this.#context())) : w.resolve()));
      if (early) { w.resolve(); return; }
    }
    if (w.final) socket.end(() => { if (w.data.length === 0) w.resolve(); });
    else if (w.data.length === 0) w.resolve();
  }

  /**
   * Waits for at least `min` bytes (default 1) or the end of the peer's data, and returns at most
   * `max` (default 65536). `isComplete` is true when the peer has finished sending.
   * @example `const { data, isComplete } = await conn.receive({ min: 4, max: 4 })`
   */
  receive(options?: { min?: number; max?: number }): Promise<Received> {
    let max = 65536;
    let min = 1;
    if (options !== undefined) {
      try {
        if (options.max !== undefined) max = integerIn('receive max', options.max, 1, 2 ** 31 - 1);
        if (options.min !== undefined) min = integerIn('receive min', options.min, 0, max);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#receive(min, max);
  }

  /** receive() without option checks: straight to the buffer once ready, after `ready` before. */
  #receive(min: number, max: number): Promise<Received> {
    if (this.#phase === 'established') return this.#rx().receive(min, max);
    return this.ready.then(() => this.#rx().receive(min, max));
  }

  /** The receive buffer, made when first needed (an idle connection has none). Only once established. */
  #rx(): ReceiveBuffer {
    return (this.#io ??= new ReceiveBuffer(HIGH_WATER_MARK, this.#socket!)) as ReceiveBuffer;
  }

  /**
   * Iterates over received chunks until the peer finishes; throws the connection's error if it fails.
   * @example `for await (const chunk of conn) console.log(chunk.length)`
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Uint8Array> {
    // A plain iterator rather than an async generator, and the buffer builds the iterator result
    // itself: one promise per chunk (this is the bulk and request/response hot path).
    this.#claimReader('async iteration or messages()');
    let finished = false;
    const finish = (): IteratorResult<Uint8Array> => {
      if (!finished) { finished = true; this.#flags &= ~ITERATING; }
      return { done: true, value: undefined };
    };
    const reader: Reader<IteratorResult<Uint8Array>> = {
      map: (data, isComplete) => {
        if (data.length === 0) return finish();
        if (isComplete) finish();
        return { done: false, value: data };
      },
      failed: () => { finish(); },
    };
    const iterator: AsyncIterableIterator<Uint8Array> = {
      next: (): Promise<IteratorResult<Uint8Array>> => {
        if (finished) return Promise.resolve(finish());
        if (this.#phase === 'established') return this.#rx().read(1, CHUNK_MAX, reader);
        return this.ready.then(() => this.#rx().read(1, CHUNK_MAX, reader), (error: unknown) => { finish(); throw error; });
      },
      return: (): Promise<IteratorResult<Uint8Array>> => Promise.resolve(finish()),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Sends one framed message: bytes as-is, anything else as JSON. At most `maxMessageSize` bytes
   * (default 16 MiB), else MESSAGE_TOO_LARGE.
   * @example `await conn.sendMessage({ table: 4, items: ['soup'] })`
   */
  sendMessage(message: Uint8Array | unknown): Promise<void> {
    let frame: Buffer;
    try { frame = encodeMessage(message, this.#settings.maxMessageSize); }
    catch (error) { return rejected(error); }
    return this.send(frame);
  }

  /**
   * Iterates over framed messages from the peer (see {@link Connection.sendMessage}). A message
   * larger than `maxMessageSize` fails the connection with MESSAGE_TOO_LARGE.
   * @example `for await (const msg of conn.messages()) if (msg.type === 'json') handle(msg.value)`
   */
  messages(): AsyncGenerator<Message> {
    return readMessages(this, this.#settings.maxMessageSize);
  }

  #claimReader(what: string): void {
    if (this.#flags & ITERATING) throw new ConnectionError('INVALID_STATE', `${what}: another reader is already consuming this connection`);
    this.#flags |= ITERATING;
  }

  /**
   * A Node Duplex over this connection, for `pipeline()`. Writes go through `send()` (so they too
   * wait for verification); ending it sends close_notify. Stream errors are the stream's to handle.
   * @example `await pipeline(fs.createReadStream('menu.json'), conn.toDuplex(), process.stdout)`
   */
  toDuplex(): Duplex {
    return connectionDuplex(this);
  }

  /**
   * Closes gracefully: pending writes are flushed (if verified), then TLS close_notify and TCP FIN.
   * Before ready it stops the attempt. State → cancelled.
   * @example `conn.cancel()`
   */
  cancel(): void {
    if (this.#terminal) return;
    const established = this.#phase === 'established';
    this.#finish('cancelled', undefined);
    if (established && this.#socket && !this.#socket.destroyed) {
      const socket: OwnedSocket = this.#socket;
      socket.end();
      // Destroys a peer that never answers our close; cleared on 'close', which is the common case
      // (a pending timer would hold the closed socket and its connection for the whole grace period).
      socket[kGrace] = setTimeout(destroySocket, CLOSE_GRACE_MS, socket).unref();
    } else {
      this.#socket?.destroy();
      this.#raw?.destroy();
    }
  }

  /**
   * Closes at once, without TLS close_notify; unsent data is dropped. State → cancelled.
   * @example `conn.forceCancel()`
   */
  forceCancel(): void {
    if (this.#terminal) { this.#reset(); return; }
    this.#finish('cancelled', undefined);
    this.#reset();
  }

  /**
   * From `waiting`, tries to connect again now (instead of at the next scheduled retry).
   * @throws ConnectionError INVALID_STATE in any other state.
   * @example `conn.on('state', (s) => s === 'waiting' && networkIsBack && conn.restart())`
   */
  restart(): void {
    const driver = this.#client?.driver;
    if (this.state !== 'waiting' || !driver) throw new ConnectionError('INVALID_STATE', `restart(): expected state 'waiting'; found '${this.state}'`);
    driver.restart();
  }

  /**
   * Abrupt close: the TLS socket is destroyed without close_notify and nothing pending is flushed.
   * (No TCP RST: resetting a TCP handle that node:tls still wraps crashes Node 20.)
   */
  #reset(): void {
    this.#socket?.destroy();
    this.#raw?.destroy();
  }

  #context() {
    return { peer: formatHostPort(this.host, this.port), phase: this.#phase, presentedCertificate: (this.#flags & PRESENTED) !== 0 };
  }

  #finish(state: 'failed' | 'cancelled', error: LocalTlsError | undefined): void {
    if (this.#terminal) return;
    this.#error = error;
    const queue = this.#queue;
    if (queue) this.#io = undefined;
    const signal = this.#ready;
    const rejectReady = signal?.reject;
    if (signal) signal.resolve = signal.reject = undefined;
    const reason = error ?? (queue?.length || rejectReady ? cancelledError() : undefined);
    if (queue) for (const w of queue) rejectWrite(w, reason);
    if (this.#phase === 'established') { if (error) this.#rx().fail(error); else this.#rx().end(); }
    const driver = this.#client?.driver;
    if (driver) this.#client!.driver = undefined;
    driver?.dispose(error);
    this.#transition(state, error);
    rejectReady?.(reason);
  }

  // ---- socket events: one shared listener per event for every connection (the socket points to its owner) ----

  static #onError(this: OwnedSocket, error: Error): void {
    const conn = this[kOwner];
    if (!conn || conn.#terminal) return;
    conn[kFail](mapSocketError(error, conn.#rejectionContext()));
  }

  static #onEnd(this: OwnedSocket): void {
    const conn = this[kOwner];
    if (!conn || conn.#terminal) return;
    if (conn.#phase === 'verify') { conn.#flags |= PEER_END; return; }
    if (conn.#rejectedPhase() === 'established') conn.#rx().end();
    else conn[kFail](prematureClose(conn.#rejectionContext()));
  }

  /** The socket's own 'close' (exactly once per socket): the observer hears of it, then the connection. */
  static #onSocketClose(this: OwnedSocket): void {
    const grace = this[kGrace];
    if (grace) { clearTimeout(grace); this[kGrace] = undefined; }
    const conn = this[kOwner];
    if (!conn) return;
    conn.#flags |= SOCKET_CLOSED;
    if (conn.#phase === 'established') conn.#settings.observer?.establishedSocketClosed?.(conn);
    Connection.#onClose.call(this);
  }

  static #onClose(this: OwnedSocket): void {
    const conn = this[kOwner];
    if (!conn || conn.#terminal) return;
    // A clean close while our verification is still running: finish verifying, then ready and the end.
    if (conn.#phase === 'verify') { conn.#flags |= PEER_CLOSE; return; }
    if (conn.#phase !== 'established') { conn[kFail](prematureClose(conn.#rejectionContext())); return; }
    if (conn.#rejectedPhase() !== 'established') { conn[kFail](prematureClose(conn.#rejectionContext())); return; }
    conn.#rx().end();
    conn.#finish('cancelled', undefined);
  }

  static #onData(this: OwnedSocket, chunk: Buffer): void {
    const conn = this[kOwner]!;
    conn.#flags |= RECEIVED;
    conn.#rx().push(chunk);
  }

  /**
   * The socket's `emit`, installed on each owned socket instead of three listeners ('error', 'end',
   * 'close'): node:tls already listens to those, and every extra listener turns a socket's entry
   * into an array (about 340 bytes per idle connection). Node's own listeners run first, as before.
   * An 'error' nobody else listens to is the connection's alone (it never throws).
   */
  static #emit(this: OwnedSocket, event: string | symbol): boolean {
    const delivered = event !== 'error' || this.listenerCount('error') > 0
      // eslint-disable-next-line prefer-rest-params -- pass every argument through unchanged, without a rest array per 'data' chunk
      ? eventEmitterEmit.apply(this, arguments as unknown as [string | symbol, ...unknown[]]) : true;
    if (event === 'error') Connection.#onError.call(this, arguments[1] as Error);
    else if (event === 'end') Connection.#onEnd.call(this);
    else if (event === 'close') Connection.#onSocketClose.call(this);
    return delivered;
  }

  // ---- internal API used by connect() and Listener ----

  /** Starts the client driver (after listeners could attach). */
  [kPreparing](): boolean {
    return this.#transition('preparing');
  }

  [kWaiting](error: LocalTlsError): boolean {
    return this.#transition('waiting', error);
  }

  /** True while the attached TLS socket has not emitted 'close' (internal). */
  get [kSocketOpen](): boolean {
    return this.#socket !== undefined && (this.#flags & SOCKET_CLOSED) === 0;
  }

  /** The current failure phase (internal). */
  get [kPhase](): FailurePhase {
    return this.#phase;
  }

  /**
   * Takes ownership of a TLS socket in handshake: routes its errors and closes. `remoteAddress`:
   * the peer's address when the caller knows it already (the address dialed, the one the listener
   * read), which saves a getpeername() per connection.
   */
  [kAttach](socket: TLSSocket, raw: Socket, presentedCertificate: boolean, remoteAddress?: string): void {
    this.#socket = socket;
    const address = remoteAddress ?? socket.remoteAddress ?? raw.remoteAddress;
    if (address === this.host) this.#flags |= ADDRESS_IS_HOST;
    else if (this.#client) this.#client.remoteAddress = address;
    this.#phase = 'handshake';
    if (presentedCertificate) this.#flags |= PRESENTED;
    (socket as OwnedSocket)[kOwner] = this;
    if (raw !== socket && raw.listenerCount('error') === 0) raw.on('error', noop);
    if (Object.hasOwn(socket, 'emit')) {
      // Someone replaced this socket's emit already: plain listeners, which work with any emit.
      socket.on('error', Connection.#onError);
      socket.on('end', Connection.#onEnd);
      socket.on('close', Connection.#onSocketClose);
    } else {
      socket.emit = Connection.#emit;
    }
  }

  /**
   * Right after `ready` (client side, when we presented a certificate, before any byte from the peer
   * and before our final send), a close is the listener refusing us (TLS 1.3 servers refuse a client certificate only after the
   * client's Finished), so it is reported as a failure of the verify phase, not a clean close.
   */
  #rejectionContext() {
    const ctx = this.#context();
    if (this.#rejectedPhase() !== ctx.phase) return { ...ctx, phase: 'verify' as FailurePhase };
    return ctx;
  }

  /** The phase a close counts in (see #rejectionContext), without building the context. */
  #rejectedPhase(): FailurePhase {
    if ((this.#flags & (PRESENTED | REQUESTED)) !== 0 && (this.#flags & (ENDED | RECEIVED)) === 0 && this.#phase === 'established'
      && this.#client?.readyAt !== undefined && Date.now() - this.#client.readyAt < this.#settings.rejectionWindowMs) {
      return 'verify';
    }
    return this.#phase;
  }

  /** Marks the handshake done (verification pending). */
  [kEstablish](phase: 'verify'): void;
  /**
   * Verification passed: becomes ready, flushes queued writes, starts delivering the peer's bytes.
   * `info`: the TlsInfo, or the interned params of a session without a peer chain (built on first `conn.tls`).
   */
  [kEstablish](phase: 'established', info: TlsInfo | SessionParams): void;
  [kEstablish](phase: 'verify' | 'established', info?: TlsInfo | SessionParams): void {
    if (this.#terminal) return;
    if (phase === 'verify') {
      this.#phase = 'verify';
      // The server asked for a client certificate (the client learns shared signature algorithms
      // only from a CertificateRequest): a close right after the handshake may be its refusal.
      if (this.side === 'client' && !(this.#flags & PRESENTED)) { try { if ((this.#socket?.getSharedSigalgs().length ?? 0) > 0) this.#flags |= REQUESTED; } catch { /* none requested */ } }
      return;
    }
    const socket = this.#socket!;
    this.#info = info;
    const queue = this.#queue;
    this.#io = undefined;
    this.#phase = 'established';
    if (this.#client && this.#settings.rejectionWindowMs > 0 && (this.#flags & (PRESENTED | REQUESTED)) !== 0) this.#client.readyAt = Date.now();
    if (this.#state === 'setup') this.#transition('preparing');
    this.#transition('ready');
    const signal = this.#ready;
    const resolveReady = signal?.resolve;
    if (signal) signal.resolve = signal.reject = undefined;
    resolveReady?.();
    socket.on('data', Connection.#onData);
    if (queue) for (const w of queue) this.#write(w);
    const closed = this.#flags & (PEER_END | PEER_CLOSE);
    this.#flags &= ~(PEER_END | PEER_CLOSE);
    if (closed) Connection.#onEnd.call(socket as OwnedSocket);
    if (closed & PEER_CLOSE) Connection.#onClose.call(socket as OwnedSocket);
  }

  /** Fails: destroys the socket without flushing anything, rejects everything pending. */
  [kFail](error: LocalTlsError): void {
    if (this.#terminal) return;
    const reset = error.code === 'PEER_REJECTED_CERTIFICATE' || this.#phase !== 'established';
    this.#finish('failed', error);
    if (reset) this.#reset(); else this.#socket?.destroy();
  }
}


/** True when `value` is a Connection. @example `isConnection(x)` */
export function isConnection(value: unknown): value is Connection {
  return value instanceof Connection;
}
