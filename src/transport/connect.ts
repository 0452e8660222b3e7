/**
 * connect(): dials a listener as NWConnection does — resolve, TCP (with retries through
 * `waiting`), TLS handshake with a deadline, then verification (hook or default) before `ready`.
 */
import type { Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Certificate } from '../cert/certificate.js';
import { ConnectionError, type LocalTlsError } from '../errors.js';
import { clientSecureContext, clientVerificationOptions, hookId, peerChain, sessionKey, verifyPeer, verifyPeerNow, type SessionCache, type VerifyOutcome, type SessionEntry } from '../tls/index.js';
import { Connection, kAttach, kEstablish, kFail, kPreparing, kWaiting, type ConnectionDriver } from './connection.js';
import { SocketTlsInfo, type SessionFacts } from './tls-info.js';
import { resolveConnectOptions, type ConnectOptions, type ResolvedConnectOptions } from './connect-options.js';
import { mapSocketError } from './error-map.js';
import { literalAddresses, resolveHost } from './resolve.js';
// discovery: .local names resolve by mDNS by default; connect(service) dials a browsed service
import { localResolver, isDiscoveredService, serviceConnectArgs, type DiscoveredService } from '../discovery/index.js';
import { formatHostPort } from '../internal/host-port.js';

/**
 * Opens a verified TLS connection to `host:port`. Returns at once; watch `conn.state` or await
 * `conn.ready`. No application data moves until the peer is verified: by default against the SSL
 * policy for `host` (or `serverName`) with `trustRoots` plus the system roots; or by `verify`.
 *
 * @throws ConfigError for bad arguments (synchronously).
 * @example
 * ```ts
 * const conn = connect('listener-name.local', 4433, { trustRoots: [ca.certificate] });
 * await conn.ready;
 * await conn.sendMessage({ table: 4, order: ['soup'] });
 * // a service found by browse(): dialled by its host name, pinned to its advertised pk
 * for await (const service of browse('_orders._tcp', { timeout: 3000 })) { connect(service, { trustRoots: [ca.certificate] }); break; }
 * ```
 */
export function connect(service: DiscoveredService, options?: ConnectOptions & { pin?: boolean }): Connection;
export function connect(host: string, port: number, options?: ConnectOptions): Connection;
export function connect(host: string | DiscoveredService, port?: number | (ConnectOptions & { pin?: boolean }), options?: ConnectOptions): Connection {
  if (isDiscoveredService(host)) {
    // discovery: dial the SRV host by name (verified against it); also require its advertised pk unless pin: false
    const args = serviceConnectArgs(host, port as (ConnectOptions & { pin?: boolean }) | undefined);
    return connect(args.host, args.port, args.options);
  }
  const resolved = resolveConnectOptions(host, port, options);
  const dialer = new Dialer(resolved);
  const conn = new Connection({
    host: resolved.host, port: resolved.port, driver: dialer,
    settings: { side: 'client', maxMessageSize: resolved.maxMessageSize, rejectionWindowMs: resolved.handshakeTimeout },
  });
  dialer.connection = conn;
  process.nextTick(() => dialer.start());
  return conn;
}

/** The Dialer of a client socket: one shared 'session' listener finds it on the socket. */
const kDialer = Symbol('localtls.dialer');
const VERIFICATION = clientVerificationOptions();
type DialedSocket = TLSSocket & { [kDialer]?: Dialer };

/** node:tls 'session' event (a session or TLS 1.3 ticket to resume with), for every client socket. */
function onSession(this: DialedSocket, session: Buffer): void {
  if (this[kDialer]?.sessionArrived(session)) {
    this[kDialer] = undefined;
    this.removeListener('session', onSession);
  }
}

/** Session keys per resolved options (resolveConnectOptions hands back the same frozen object for the same options). */
const sessionKeys = new WeakMap<ResolvedConnectOptions, string>();

function sessionKeyOf(o: ResolvedConnectOptions): string {
  let key = sessionKeys.get(o);
  if (key === undefined) {
    key = sessionKey({
      host: o.host, port: o.port, serverName: o.serverName, anchorsKey: o.anchors.key, hookId: hookId(o.verify),
      identity: o.identity?.certificate.fingerprintSha256 ?? '', minVersion: o.minVersion, alpn: o.alpn,
    });
    sessionKeys.set(o, key);
  }
  return key;
}

class Dialer implements ConnectionDriver {
  connection!: Connection;
  /** Dropped once the connection is ready: a ready connection keeps only what the session cache needs. */
  #o: ResolvedConnectOptions | undefined;
  readonly #cache: SessionCache | undefined;
  readonly #key: string;
  #disposed = false;
  #attemptsLeft: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #pending: Socket | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;
  /** The chain verification accepted: until then, sessions are held back (only the latest). */
  #verifiedChain: readonly Certificate[] | undefined;
  #heldSession: Buffer | undefined;

  constructor(o: ResolvedConnectOptions) {
    this.#o = o;
    this.#cache = o.sessionCache;
    this.#attemptsLeft = o.retryAttempts;
    this.#key = sessionKeyOf(o);
  }

  start(): void {
    if (this.#disposed || !this.connection[kPreparing]()) return;
    this.#attempt();
  }

  restart(): void {
    this.#clearRetry();
    this.start();
  }

  /** The connection ended: stop timers; a refusal of our certificate or of theirs also forgets the session. */
  dispose(error?: LocalTlsError): void {
    this.#disposed = true;
    this.#clearRetry();
    this.#clearHandshakeTimer();
    this.#pending?.destroy();
    this.#pending = undefined;
    if (error?.code === 'PEER_REJECTED_CERTIFICATE' || error?.code === 'CERTIFICATE_VERIFY_FAILED') this.#cache?.delete(this.#key);
  }

  /**
   * Remembers a session once verification passed (holds the latest one back until then). True once
   * one is stored: that is enough, as each resumption brings its own tickets.
   */
  sessionArrived(session: Buffer): boolean {
    if (!this.#cache) return true;
    if (!this.#verifiedChain) { this.#heldSession = session; return false; }
    this.#cache.set(this.#key, { session, chain: this.#verifiedChain } satisfies SessionEntry);
    this.#verifiedChain = undefined;
    return true;
  }

  #clearRetry(): void {
    if (this.#retryTimer) { clearTimeout(this.#retryTimer); this.#retryTimer = undefined; }
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer) { clearTimeout(this.#handshakeTimer); this.#handshakeTimer = undefined; }
  }

  /** Resolves (an IP literal at once, without a promise turn), then dials each address in turn. */
  #attempt(): void {
    const o = this.#o!;
    const literal = literalAddresses(o.host);
    if (literal) { void this.#dialEach(literal); return; }
    resolveHost(o.host, o.lookup ?? localResolver) // discovery: .local by mDNS
      .then((addresses) => this.#dialEach(addresses), (error: unknown) => this.connection[kFail](error as LocalTlsError));
  }

  async #dialEach(addresses: readonly { address: string; family: 4 | 6 }[]): Promise<void> {
    const o = this.#o!;
    let last: LocalTlsError | undefined;
    for (const { address, family } of addresses) {
      if (this.#disposed) return;
      try {
        await this.#dial(address, family);
        return;
      } catch (error) {
        last = error as LocalTlsError;
      }
    }
    if (this.#disposed) return;
    const error = last!;
    if (this.#attemptsLeft > 0 && (error.code === 'CONNECTION_REFUSED' || error.code === 'CONNECT_TIMEOUT')) {
      this.#attemptsLeft--;
      if (this.connection[kWaiting](error)) this.#retryTimer = setTimeout(() => this.start(), o.retryDelay);
      return;
    }
    this.connection[kFail](error);
  }

  /**
   * One TLSSocket over its own TCP connection (no separate net.Socket to keep alive), resolved once
   * TCP is up and the socket is attached to the connection. The TLS handshake starts on connect;
   * its deadline runs from there. Errors before connect reject (CONNECTION_REFUSED, ...).
   */
  #dial(address: string, family: 4 | 6): Promise<void> {
    const o = this.#o!;
    // For messages only: built when an error needs it.
    const peer = (): string => `${formatHostPort(o.host, o.port)}${address === o.host ? '' : ` via ${address}`}`;
    const entry = this.#cache?.get(this.#key);
    return new Promise((resolve, reject) => {
      const socket: DialedSocket = tlsConnect({
        host: address, port: o.port,
        // The context carries the version floor and ceiling, the cipher list and SSL_OP_NO_RENEGOTIATION.
        secureContext: clientSecureContext(o.minVersion, o.identity),
        rejectUnauthorized: VERIFICATION.rejectUnauthorized, checkServerIdentity: VERIFICATION.checkServerIdentity,
        // One object shape for every connection (no spreads): node:tls copies it once more itself.
        // Unset values are undefined, which node:tls treats as absent.
        servername: o.serverName || undefined,
        ALPNProtocols: o.alpn || undefined,
        session: entry?.session,
        // family: as resolved (an address literal, so no lookup happens). allowHalfOpen: send({ final })
        // half-closes and the peer may still answer (node:tls passes both on; its types lack them).
        family, allowHalfOpen: true,
      } as ConnectionOptions);
      this.#pending = socket;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError('CONNECT_TIMEOUT', `no TCP connection to ${peer()} within ${o.connectTimeout} ms`, { hint: 'check that the device is on, on this network, and that no firewall drops the port' }));
      }, o.connectTimeout);
      // Stays registered if TCP fails (the socket is dead then), so no 'error' is ever unhandled.
      const onError = (error: Error): void => { clearTimeout(timer); reject(mapSocketError(error, { peer: peer(), phase: 'connect' })); };
      socket.on('error', onError);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.#pending = undefined;
        if (this.#disposed) { socket.destroy(); resolve(); return; }
        socket.setNoDelay(true);
        // Attached in this same callback, so the socket is never without an 'error' listener.
        // An IPv4 literal is the text getpeername() would give; IPv6 text may differ (zone, zeros, mapped forms).
        this.#attach(socket, entry, family === 4 ? address : undefined);
        socket.removeListener('error', onError);
        resolve();
      });
    });
  }

  #attach(socket: DialedSocket, entry: SessionEntry | undefined, address: string | undefined): void {
    const o = this.#o!;
    const conn = this.connection;
    const cache = this.#cache;
    conn[kAttach](socket, socket, o.identity !== undefined, address);
    this.#handshakeTimer = setTimeout(() => {
      this.#handshakeTimer = undefined;
      conn[kFail](new ConnectionError('HANDSHAKE_TIMEOUT', `the TLS handshake with ${o.host}:${o.port} did not finish within ${o.handshakeTimeout} ms`, {
        hint: 'the peer accepted TCP but is not answering TLS: check that it is a localtls listener (or another TLS server) on this port',
      }));
    }, o.handshakeTimeout);
    if (cache) {
      socket[kDialer] = this;
      socket.on('session', onSession);
    }
    socket.once('secureConnect', () => this.#secured(socket, entry));
  }

  /** Handshake done: verify (hook or default) before anything moves, then become ready. */
  #secured(socket: DialedSocket, entry: SessionEntry | undefined): void {
    this.#clearHandshakeTimer();
    if (this.#disposed) return;
    const o = this.#o!;
    const conn = this.connection;
    conn[kEstablish]('verify');
    const resumed = socket.isSessionReused();
    // A client's resumed session has no peer certificate in node:tls: the chain is the one verified
    // when the session was made (the cache entry), and it is verified again below.
    let chain: readonly Certificate[] = peerChain(socket);
    if (chain.length === 0 && resumed && entry) chain = entry.chain;
    const protocol = socket.getProtocol() ?? 'unknown';
    const alpn = socket.alpnProtocol || undefined;
    const request = {
      side: 'client' as const, peerCertificates: chain, host: o.verifyName, port: o.port, serverName: o.serverName, protocol, alpn, resumed,
      anchors: o.anchors.load, defaultPolicy: o.defaultPolicy, hook: o.verify, timeoutMs: o.verifyTimeout,
    };
    const facts = { protocol, alpn, serverName: o.serverName, peerCertificates: chain, resumed };
    // The default verifier answers at once (no promise turn); a hook answers when it does.
    const now = verifyPeerNow(request);
    if (now) this.#verified(socket, now, facts);
    else verifyPeer(request).then((outcome) => this.#verified(socket, outcome, facts), (error: unknown) => conn[kFail](error as LocalTlsError));
  }

  /** The verdict: ready (and sessions may be kept), or failed (and the session forgotten). */
  #verified(socket: DialedSocket, outcome: VerifyOutcome, facts: Omit<SessionFacts, 'trustResult'>): void {
    if (this.#disposed) return;
    const conn = this.connection;
    if (!outcome.ok) {
      this.#cache?.delete(this.#key);
      conn[kFail](outcome.error);
      return;
    }
    if (this.#cache) {
      this.#verifiedChain = facts.peerCertificates;
      const held = this.#heldSession;
      this.#heldSession = undefined;
      if (held) onSession.call(socket, held);
    }
    this.#o = undefined;
    conn[kEstablish]('established', new SocketTlsInfo(socket, { ...facts, trustResult: outcome.trustResult }));
  }
}
