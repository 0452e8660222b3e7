/**
 * connect(): dials a listener as NWConnection does — resolve, TCP (with retries through
 * `waiting`), TLS handshake with a deadline, then verification (hook or default) before `ready`.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Certificate } from '../cert/certificate.js';
import { ConnectionError, type LocalTlsError } from '../errors.js';
import { baseTlsOptions, clientSecureContext, clientVerificationOptions, hookId, peerChain, sessionKey, verifyPeer, type SessionEntry } from '../tls/index.js';
import { Connection, kAttach, kEstablish, kFail, kPreparing, kWaiting, type ConnectionDriver } from './connection.js';
import { resolveConnectOptions, type ConnectOptions, type ResolvedConnectOptions } from './connect-options.js';
import { mapSocketError } from './error-map.js';
import { resolveHost } from './resolve.js';
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
    side: 'client', host: resolved.host, port: resolved.port, maxMessageSize: resolved.maxMessageSize,
    rejectionWindowMs: resolved.handshakeTimeout, driver: dialer,
  });
  dialer.connection = conn;
  process.nextTick(() => dialer.start());
  return conn;
}

class Dialer implements ConnectionDriver {
  connection!: Connection;
  readonly #o: ResolvedConnectOptions;
  readonly #key: string;
  #disposed = false;
  #attemptsLeft: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #pending: Socket | undefined;
  #handshakeTimer: NodeJS.Timeout | undefined;

  constructor(o: ResolvedConnectOptions) {
    this.#o = o;
    this.#attemptsLeft = o.retryAttempts;
    this.#key = sessionKey({
      host: o.host, port: o.port, serverName: o.serverName, anchorsKey: o.anchors.key, hookId: hookId(o.verify),
      identity: o.identity?.certificate.fingerprintSha256 ?? '', minVersion: o.minVersion, alpn: o.alpn,
    });
  }

  start(): void {
    if (this.#disposed || !this.connection[kPreparing]()) return;
    void this.#attempt();
  }

  restart(): void {
    clearTimeout(this.#retryTimer);
    this.start();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#handshakeTimer);
    this.#pending?.destroy();
    this.#pending = undefined;
  }

  async #attempt(): Promise<void> {
    let addresses: { address: string; family: 4 | 6 }[];
    try {
      addresses = await resolveHost(this.#o.host, this.#o.lookup ?? localResolver); // discovery: .local by mDNS
    } catch (error) {
      this.connection[kFail](error as LocalTlsError);
      return;
    }
    let last: LocalTlsError | undefined;
    for (const { address, family } of addresses) {
      if (this.#disposed) return;
      try {
        const raw = await this.#tcp(address, family);
        if (this.#disposed) { raw.destroy(); return; }
        this.#tls(raw);
        return;
      } catch (error) {
        last = error as LocalTlsError;
      }
    }
    if (this.#disposed) return;
    const error = last!;
    if (this.#attemptsLeft > 0 && (error.code === 'CONNECTION_REFUSED' || error.code === 'CONNECT_TIMEOUT')) {
      this.#attemptsLeft--;
      if (this.connection[kWaiting](error)) this.#retryTimer = setTimeout(() => this.start(), this.#o.retryDelay);
      return;
    }
    this.connection[kFail](error);
  }

  #tcp(address: string, family: 4 | 6): Promise<Socket> {
    const peer = `${formatHostPort(this.#o.host, this.#o.port)}${address === this.#o.host ? '' : ` via ${address}`}`;
    return new Promise((resolve, reject) => {
      const raw = netConnect({ host: address, port: this.#o.port, family, noDelay: true, allowHalfOpen: true });
      this.#pending = raw;
      const timer = setTimeout(() => {
        raw.destroy();
        reject(new ConnectionError('CONNECT_TIMEOUT', `no TCP connection to ${peer} within ${this.#o.connectTimeout} ms`, { hint: 'check that the device is on, on this network, and that no firewall drops the port' }));
      }, this.#o.connectTimeout);
      raw.once('error', (error) => { clearTimeout(timer); reject(mapSocketError(error, { peer, phase: 'connect' })); });
      raw.once('connect', () => { clearTimeout(timer); raw.removeAllListeners('error'); this.#pending = undefined; resolve(raw); });
    });
  }

  #tls(raw: Socket): void {
    const o = this.#o;
    const conn = this.connection;
    const cache = o.sessionCache;
    const entry = cache?.get(this.#key);
    const socket: TLSSocket = tlsConnect({
      socket: raw,
      ...baseTlsOptions(o.minVersion),
      secureContext: clientSecureContext(o.minVersion, o.identity),
      ...clientVerificationOptions(),
      ...(o.serverName ? { servername: o.serverName } : {}),
      ...(o.alpn ? { ALPNProtocols: o.alpn } : {}),
      ...(entry ? { session: entry.session } : {}),
      // send({ final }) half-closes; the peer may still answer (node:tls passes this to the TLSSocket).
      ...({ allowHalfOpen: true } as object),
    });
    conn[kAttach](socket, raw, o.identity !== undefined);
    this.#handshakeTimer = setTimeout(() => {
      conn[kFail](new ConnectionError('HANDSHAKE_TIMEOUT', `the TLS handshake with ${o.host}:${o.port} did not finish within ${o.handshakeTimeout} ms`, {
        hint: 'the peer accepted TCP but is not answering TLS: check that it is a localtls listener (or another TLS server) on this port',
      }));
    }, o.handshakeTimeout);

    let verifiedChain: readonly Certificate[] | undefined;
    let pendingSession: Buffer | undefined;
    const remember = (session: Buffer) => {
      if (cache && verifiedChain) cache.set(this.#key, { session, chain: verifiedChain } satisfies SessionEntry);
    };
    socket.on('session', (session: Buffer) => { if (verifiedChain) remember(session); else pendingSession = session; });

    socket.once('secureConnect', () => {
      clearTimeout(this.#handshakeTimer);
      if (this.#disposed) return;
      conn[kEstablish]('verify');
      const resumed = socket.isSessionReused();
      let chain = peerChain(socket);
      if (chain.length === 0 && resumed && entry) chain = [...entry.chain];
      const protocol = socket.getProtocol() ?? 'unknown';
      const alpn = socket.alpnProtocol || undefined;
      verifyPeer({
        side: 'client', peerCertificates: chain, host: o.verifyName, port: o.port, serverName: o.serverName, protocol, alpn, resumed,
        anchors: o.anchors.load, defaultPolicy: { kind: 'ssl', hostname: o.verifyName }, hook: o.verify, timeoutMs: o.verifyTimeout,
      }).then((outcome) => {
        if (this.#disposed) return;
        if (!outcome.ok) {
          cache?.delete(this.#key);
          conn[kFail](outcome.error);
          return;
        }
        verifiedChain = chain;
        if (pendingSession) remember(pendingSession);
        conn[kEstablish]('established', {
          protocol, cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? 'unknown', alpn, serverName: o.serverName,
          peerCertificates: Object.freeze([...chain]), resumed, trustResult: outcome.trustResult,
          exportKeyingMaterial: (length, label, context) => new Uint8Array(socket.exportKeyingMaterial(length, label, context ? Buffer.from(context) : undefined as unknown as Buffer)),
        });
      }, (error: unknown) => conn[kFail](error as LocalTlsError));
    });
    const key = this.#key;
    conn.on('state', (state: string) => {
      const code = conn.error?.code;
      if (state === 'failed' && (code === 'PEER_REJECTED_CERTIFICATE' || code === 'CERTIFICATE_VERIFY_FAILED')) cache?.delete(key);
    });
  }
}
