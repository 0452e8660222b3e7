/**
 * Listener: a TLS server as NWListener. 'connection' fires only after the handshake and (when
 * client certificates are requested) verification passed; handshake failures are counted and
 * reported as 'handshakeError', never as an 'error' event.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Certificate } from '../cert/certificate.js';
import { ConfigError, ConnectionError, type LocalTlsError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { baseTlsOptions, CLIENT_CERTIFICATE_POLICY, peerChain, serverVerificationOptions, verifyPeer } from '../tls/index.js';
import { Connection, kAttach, kEstablish, kFail, kSocketOpen, type ConnectionSettings } from './connection.js';
import { SocketTlsInfo, sessionParams } from './tls-info.js';
import { peerAddress } from './peer-address.js';
import { mapSocketError } from './error-map.js';
import { identityOption, resolveListenerOptions, type ListenerOptions, type ResolvedListenerOptions } from './listener-options.js';
import { LISTENER_TRANSITIONS, StateMachine, type ListenerState } from './state.js';
import { advertiseListener, type Advertisement, type ListenerAdvertising } from '../discovery/index.js';
import { expiryWarning } from '../store/expiry.js';
import { formatHostPort } from '../internal/host-port.js';
import type { TrustResult } from '../trust/index.js';
import { WorkerListener, type WorkerListenerOptions } from './worker-listener.js';

const noop = (): void => {};
const MAX_REMEMBERED_CHAINS = 1024;

/** Where a refused client came from (second argument of 'handshakeError'). */
export interface HandshakeErrorInfo {
  remoteAddress: string | undefined;
  remotePort: number | undefined;
}

/**
 * What a worker process's listener shares with its siblings (internal; see worker-entry.ts): the
 * listen handle the primary created, and the session-ticket keys and session-id context every
 * worker uses, so a ticket issued by one worker resumes on any other.
 * @example `new Listener(options, { handle, ticketKeys: randomBytes(48), sessionIdContext: 'abc' })`
 */
export interface SharedListen {
  handle: object;
  ticketKeys: Buffer;
  sessionIdContext: string;
}

/**
 * A TLS listener.
 *
 * Events: `'state' (state, error?)` once per change; `'connection' (conn)` for each verified
 * connection (already ready); `'handshakeError' (error, info)` for each refused or failed one;
 * `'warning' (message)` when the identity expires within 30 days (at ready and on setIdentity).
 * Never emits 'error'.
 *
 * @example
 * ```ts
 * const listener = createListener({ identity, port: 4433 });
 * listener.on('connection', async (conn) => { for await (const msg of conn.messages()) await conn.sendMessage(msg.data); });
 * await listener.ready;
 * console.log(`listening on ${listener.port}`);
 * ```
 */
export class Listener extends EventEmitter {
  /** Resolves when listening; rejects with the ConnectionError when it fails (or is cancelled) first. */
  readonly ready: Promise<void>;
  readonly #o: ResolvedListenerOptions;
  readonly #machine: StateMachine<ListenerState>;
  readonly #server: Server;
  /** TCP sockets still handshaking or verifying (each socket is in exactly one of the two sets). */
  readonly #sockets = new Set<Socket>();
  /** How many sockets of connections handed out are still open (a count: the connections themselves are in #connections). */
  #verifiedOpen = 0;
  readonly #connections = new Set<Connection>();
  readonly #chains = new Map<string, readonly Certificate[]>();
  #identity: Identity;
  #port = 0;
  #handshakeErrors = 0;
  #resolveReady!: () => void;
  #rejectReady!: (error: unknown) => void;
  #error: LocalTlsError | undefined;
  #advertising: ListenerAdvertising | undefined;
  /** One 'close' listener shared by every accepted TCP socket (it is `this` when called). */
  readonly #untrack: (this: Socket) => void;
  /** Shared by every connection: its settings, and the observer (bookkeeping and 'handshakeError' when one ends). */
  readonly #settings: ConnectionSettings;

  readonly #shared: SharedListen | undefined;

  /** @param shared internal: set only in a worker process of `createListener({ workers })`. */
  constructor(options: ListenerOptions, shared?: SharedListen) {
    super();
    this.#shared = shared;
    const sockets = this.#sockets;
    this.#untrack = function untrack(this: Socket) { sockets.delete(this); };
    this.#o = resolveListenerOptions(options);
    this.#settings = Object.freeze<ConnectionSettings>({
      side: 'server', maxMessageSize: this.#o.maxMessageSize, rejectionWindowMs: 0,
      observer: {
        connectionEnded: (conn, state, error) => this.#connectionEnded(conn, state, error),
        establishedSocketClosed: () => { this.#verifiedOpen--; },
      },
    });
    this.#identity = this.#o.identity;
    this.ready = new Promise<void>((resolve, reject) => { this.#resolveReady = resolve; this.#rejectReady = reject; });
    this.ready.catch(noop);
    this.#machine = new StateMachine<ListenerState>('setup', LISTENER_TRANSITIONS, (state, error) => this.emit('state', state, error));
    // allowHalfOpen stays false until the handshake is done (see #onSecure): a client that closes
    // its side mid-handshake is then dropped at once instead of holding the socket until the deadline.
    this.#server = createServer({ ...this.#contextOptions(), allowHalfOpen: false, noDelay: true, handshakeTimeout: this.#o.handshakeTimeout, ...serverVerificationOptions(this.#o.requestCertificate) });
    if (this.#o.maxConnections !== undefined) this.#server.maxConnections = this.#o.maxConnections;
    this.#server.on('connection', (raw: Socket) => this.#onTcp(raw));
    this.#server.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      const info = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
      socket.destroy();
      this.#reportHandshakeError(mapSocketError(error, { peer: formatHostPort(info.remoteAddress, info.remotePort), phase: 'handshake' }), info);
    });
    this.#server.on('secureConnection', (socket: TLSSocket) => this.#onSecure(socket));
    this.#server.on('error', (error: NodeJS.ErrnoException) => this.#fail(error));
    if (this.#o.advertise) {
      // discovery: advertise while ready; a name conflict fails the listener (its certificate names the original host)
      this.#advertising = advertiseListener(this, this.#identity, this.#o.advertise, (error) => this.#failWith(error));
    }
    this.#server.listen(shared ? shared.handle : { port: this.#o.port, host: this.#o.host, exclusive: true }, () => {
      const address = this.#server.address();
      this.#port = typeof address === 'object' && address ? address.port : this.#o.port;
      if (this.#machine.transition('ready')) {
        this.#resolveReady();
        this.#warnIfExpiring();
      }
    });
  }

  /** Emits 'warning' when the identity expires within 30 days (or has expired). */
  #warnIfExpiring(): void {
    const warning = expiryWarning(this.#identity);
    if (warning) this.emit('warning', warning);
  }

  /** The current state. */
  get state(): ListenerState {
    return this.#machine.state;
  }

  /** The error the listener failed with, if any. */
  get error(): LocalTlsError | undefined {
    return this.#error;
  }

  /** The port listened on (the chosen one when created with port 0); 0 before ready. */
  get port(): number {
    return this.#port;
  }

  /** TCP sockets currently open (handshaking or connected). */
  get openSocketCount(): number {
    return this.#sockets.size + this.#verifiedOpen;
  }

  /** Verified connections currently open. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Connections refused or failed before 'connection' since start. */
  get handshakeErrorCount(): number {
    return this.#handshakeErrors;
  }

  /** The mDNS advertisement (with `createListener({ advertise })`, once ready); undefined otherwise. */
  get advertisement(): Advertisement | undefined {
    return this.#advertising?.advertisement;
  }

  /** The identity presented to new connections. */
  get identity(): Identity {
    return this.#identity;
  }

  /**
   * Presents another identity to new connections (existing ones keep theirs), e.g. after renewal.
   * @example `listener.setIdentity(await ca.issue({ hosts: ['listener-name.local'] }))`
   */
  setIdentity(identity: Identity): void {
    this.#identity = identityOption('setIdentity(identity)', identity);
    this.#server.setSecureContext(this.#contextOptions());
    if (this.state === 'ready') this.#warnIfExpiring();
  }

  /**
   * Stops accepting. Connections still handshaking are dropped; verified ones stay open unless
   * `force` is true (then they are reset). State → cancelled.
   * @example `listener.cancel({ force: true })`
   */
  cancel(options: { force?: boolean } = {}): void {
    if (options !== null && typeof options === 'object' && options.force !== undefined && typeof options.force !== 'boolean') {
      throw new ConfigError('INVALID_OPTION', `cancel({ force }): expected true or false; found ${typeof options.force}`);
    }
    if (this.#machine.terminal) return;
    this.#server.close(noop);
    this.#machine.transition('cancelled');
    this.#rejectReady(new ConnectionError('CANCELLED', 'the listener was cancelled before it was ready'));
    this.#dropSockets(options?.force === true);
  }

  #dropSockets(force: boolean): void {
    if (force) for (const conn of [...this.#connections]) conn.forceCancel();
    for (const raw of this.#sockets) raw.destroy();
  }

  #contextOptions() {
    return { ...baseTlsOptions(this.#o.minVersion), ...this.#identity.tlsOptions(), honorCipherOrder: true, ...(this.#o.alpn ? { ALPNProtocols: this.#o.alpn } : {}), ...(this.#shared ? { ticketKeys: this.#shared.ticketKeys, sessionIdContext: this.#shared.sessionIdContext } : {}) };
  }

  #fail(error: NodeJS.ErrnoException): void {
    const code = error.code;
    const where = `${this.#o.host ?? '*'}:${this.#o.port}`;
    const failure = code === 'EADDRINUSE'
      ? new ConnectionError('ADDRESS_IN_USE', `cannot listen on ${where}: the port is already in use`, { cause: error, hint: 'stop the other program on this port, pick another port, or pass port: 0 for any free one' })
      : new ConnectionError('INVALID_OPTION', `cannot listen on ${where}: ${error.message}`, { cause: error, hint: code === 'EACCES' ? 'ports below 1024 need privileges; use a higher port' : code === 'EADDRNOTAVAIL' ? 'host must be an address of this machine' : undefined });
    this.#error = failure;
    this.#server.close(noop);
    this.#dropSockets(true);
    if (this.#machine.transition('failed', failure)) this.#rejectReady(failure);
  }

  /** discovery: fails with an already-built error (NAME_CONFLICT from the advertisement). */
  #failWith(failure: LocalTlsError): void {
    if (this.#machine.terminal) return;
    this.#error = failure;
    this.#server.close(noop);
    this.#dropSockets(true);
    if (this.#machine.transition('failed', failure)) this.#rejectReady(failure);
  }

  #onTcp(raw: Socket): void {
    // node:tls has wrapped the socket already (its listener runs first) and listens to 'error';
    // another listener would only turn that entry into an array.
    if (raw.listenerCount('error') === 0) raw.on('error', noop);
    if (this.#machine.state !== 'ready') { raw.destroy(); return; }
    this.#sockets.add(raw);
    raw.on('close', this.#untrack);
  }

  /** A connection ended: forget it if it was handed out, else report why it never was. */
  #connectionEnded(conn: Connection, state: 'failed' | 'cancelled', error: LocalTlsError | undefined): void {
    if (this.#connections.delete(conn)) return;
    if (state === 'failed' && error) this.#reportHandshakeError(error, { remoteAddress: conn.host, remotePort: conn.port });
  }

  #reportHandshakeError(error: LocalTlsError, info: HandshakeErrorInfo): void {
    this.#handshakeErrors++;
    this.emit('handshakeError', error, info);
  }

  #onSecure(socket: TLSSocket): void {
    socket.allowHalfOpen = true; // half-open from here on: a peer's send({ final }) may still be answered
    const raw = rawOf(socket);
    const peer = peerAddress(raw);
    const remoteAddress = peer.address;
    const conn = new Connection({ host: remoteAddress ?? 'unknown', port: peer.port ?? 0, settings: this.#settings });
    conn[kAttach](socket, raw, false, remoteAddress);
    conn[kEstablish]('verify');
    const resumed = socket.isSessionReused();
    const protocol = socket.getProtocol() ?? 'unknown';
    const alpn = socket.alpnProtocol || undefined;
    const serverName = (socket as unknown as { servername?: string | false }).servername || undefined;
    if (!this.#o.requestCertificate) {
      // Deferred one turn: a TLS 1.3 socket ended synchronously inside 'secureConnection' loses its
      // close_notify (the peer sees an unexpected EOF) on Node 20.
      setImmediate(() => this.#handOut(conn, socket, raw, { protocol, alpn, serverName, peerCertificates: EMPTY_CHAIN, resumed, trustResult: undefined }));
      return;
    }
    let chain = peerChain(socket);
    if (resumed && chain.length === 1) chain = [...(this.#chains.get(chain[0]!.fingerprintSha256) ?? chain)];
    verifyPeer({
      side: 'server', peerCertificates: chain, host: conn.host, port: conn.port, serverName, protocol, alpn, resumed,
      anchors: this.#o.anchors.load, defaultPolicy: CLIENT_CERTIFICATE_POLICY, hook: this.#o.verify, timeoutMs: this.#o.verifyTimeout,
      requireCertificate: this.#o.requireCertificate,
    }).then(
      (outcome) => (outcome.ok ? this.#handOut(conn, socket, raw, { protocol, alpn, serverName, peerCertificates: chain, resumed, trustResult: outcome.trustResult }) : conn[kFail](outcome.error)),
      (error: unknown) => conn[kFail](error as LocalTlsError),
    );
  }

  /** Verification passed (or was not asked for): the connection becomes ready and is handed out. */
  #handOut(conn: Connection, socket: TLSSocket, raw: Socket, facts: { protocol: string; alpn: string | undefined; serverName: string | undefined; peerCertificates: readonly Certificate[]; resumed: boolean; trustResult: TrustResult | undefined }): void {
    if (conn.state !== 'preparing' && conn.state !== 'setup') return;
    if (facts.peerCertificates.length > 0) this.#rememberChain(facts.peerCertificates);
    // From here the connection tells when its socket closes (ConnectionObserver.establishedSocketClosed):
    // one 'close' listener and one set entry less per connection.
    this.#sockets.delete(raw);
    raw.removeListener('close', this.#untrack);
    if (conn[kSocketOpen]) this.#verifiedOpen++;
    this.#connections.add(conn);
    // Without a peer chain or trust result, conn.tls is built on first use from the interned params.
    const params = sessionParams(socket, facts);
    conn[kEstablish]('established', facts.peerCertificates.length === 0 && facts.trustResult === undefined ? params : new SocketTlsInfo(socket, facts, params));
    if (this.#machine.state !== 'ready') { conn.forceCancel(); return; }
    this.emit('connection', conn);
  }

  #rememberChain(chain: readonly Certificate[]): void {
    const key = chain[0]!.fingerprintSha256;
    this.#chains.delete(key);
    this.#chains.set(key, chain);
    if (this.#chains.size > MAX_REMEMBERED_CHAINS) this.#chains.delete(this.#chains.keys().next().value as string);
  }
}

const EMPTY_CHAIN: readonly Certificate[] = Object.freeze([]);

/** The TCP socket under a listener's TLS socket. */
function rawOf(socket: TLSSocket): Socket {
  return (socket as unknown as { _parent?: Socket | null })._parent ?? (socket as Socket);
}

/**
 * Starts a TLS listener. Returns at once (state `setup`); await `listener.ready` or watch 'state'.
 * With `workers: N` (and `worker`, a module handling each verified connection) it returns a
 * {@link WorkerListener}: N processes serving one port, session tickets shared between them.
 *
 * @throws ConfigError for bad options (synchronously).
 * @example
 * ```ts
 * const listener = createListener({ identity, port: 4433 });
 * listener.on('connection', (conn) => conn.send('welcome\n'));
 * await listener.ready;
 * ```
 */
export function createListener(options: WorkerListenerOptions): WorkerListener;
export function createListener(options: ListenerOptions): Listener;
export function createListener(options: ListenerOptions): Listener | WorkerListener {
  if (options !== null && typeof options === 'object' && options.workers !== undefined) return new WorkerListener(options as WorkerListenerOptions);
  return new Listener(options);
}
