/**
 * createServer(): Node's own https.Server serving a localtls Identity with the listener's defaults,
 * and, with client certificates, an HTTP parser that only ever sees verified connections.
 *
 * How no request reaches the handler early: https.Server hands each TLS socket to the HTTP parser
 * from its 'secureConnection' listener. That listener is taken off and called by this module only
 * once verification passed; until then nothing reads the socket (decrypted bytes wait in the
 * socket's buffer, and TCP back-pressure stops the client beyond it). A refused client's socket is
 * destroyed with whatever it sent unread.
 */
import { Server as HttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Certificate } from '../cert/certificate.js';
import { ConfigError, type LocalTlsError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { describe } from '../internal/options.js';
import { baseTlsOptions, CLIENT_CERTIFICATE_POLICY, peerChain, serverVerificationOptions, verifyPeer } from '../tls/index.js';
import { identityOption, resolveListenerOptions, type ListenerOptions, type ResolvedListenerOptions } from '../transport/listener-options.js';
import { mapSocketError } from '../transport/error-map.js';
import { SocketTlsInfo } from '../transport/tls-info.js';
import type { HandshakeErrorInfo } from '../transport/index.js';
import { expiryWarning } from '../store/expiry.js';
import { formatHostPort } from '../internal/host-port.js';
import { markVerified } from './verified-socket.js';

/** The listener options that mean the same for an HTTPS server. */
const TLS_KEYS = ['identity', 'minVersion', 'requestClientCertificate', 'requireClientCertificate', 'trustRoots', 'verify', 'verifyTimeout', 'handshakeTimeout'] as const;
/** node:http options passed through unchanged (none of them touches TLS). */
const HTTP_KEYS = ['IncomingMessage', 'ServerResponse', 'requestTimeout', 'headersTimeout', 'keepAliveTimeout', 'connectionsCheckingInterval', 'maxHeaderSize', 'joinDuplicateHeaders', 'requireHostHeader', 'highWaterMark', 'uniqueHeaders', 'keepAlive', 'keepAliveInitialDelay', 'noDelay', 'rejectNonStandardBodyWrites'] as const;
const MAX_REMEMBERED_CHAINS = 1024;

/**
 * Options of {@link createServer}.
 *
 * TLS (same meaning and defaults as `createListener`):
 * - `identity` (required): the server's certificate chain and key.
 * - `minVersion`: 'TLSv1.2' (default) or 'TLSv1.3'.
 * - `requestClientCertificate`: ask clients for a certificate (verified when sent). Default false.
 * - `requireClientCertificate`: refuse clients without one (implies request). Default false.
 * - `trustRoots`: roots for client certificates. Default none.
 * - `verify`: a hook (sync or async) deciding on each client; runs when certificates are requested.
 * - `verifyTimeout`: how long the hook may take. Default 10 000 ms.
 * - `handshakeTimeout`: a TLS handshake not done by then is dropped. Default 10 000 ms.
 *
 * HTTP (passed to node:http unchanged): `requestTimeout`, `headersTimeout`, `keepAliveTimeout`,
 * `maxHeaderSize`, `connectionsCheckingInterval`, `joinDuplicateHeaders`, `requireHostHeader`,
 * `highWaterMark`, `uniqueHeaders`, `keepAlive`, `keepAliveInitialDelay`, `noDelay` (default true),
 * `rejectNonStandardBodyWrites`, `IncomingMessage`, `ServerResponse`. Any other key (`key`,
 * `cert`, `ca`, `rejectUnauthorized`, `ciphers`, ...) is a ConfigError: TLS is configured by the above.
 *
 * @example
 * ```ts
 * createServer({ identity, requireClientCertificate: true, trustRoots: [ca.certificate], keepAliveTimeout: 10_000 }, app);
 * ```
 */
export interface HttpServerOptions extends Pick<ListenerOptions, (typeof TLS_KEYS)[number]>, Pick<HttpsServerOptions, (typeof HTTP_KEYS)[number] & keyof HttpsServerOptions> {}

type ConnectionListener = (this: HttpsServer, socket: TLSSocket) => void;

/**
 * The server {@link createServer} returns: a node:https Server (listen, close, 'request',
 * 'upgrade', ... as usual) with
 * - `setIdentity(identity)`: presents another identity to new connections (existing keep theirs);
 * - `identity`: the identity presented now;
 * - event `'warning' (message)` when the identity expires within 30 days (on 'listening' and on setIdentity);
 * - event `'handshakeError' (error, info)` for each client refused by verification or failing its
 *   TLS handshake (a LocalTlsError, and `{ remoteAddress, remotePort }`);
 * - `handshakeErrorCount`: how many so far.
 * Every request's `req.socket` is a {@link VerifiedSocket} (`req.socket.localtls`).
 */
export class LocalTlsServer extends HttpsServer {
  readonly #o: ResolvedListenerOptions;
  readonly #parse: ConnectionListener;
  readonly #verifying = new Set<TLSSocket>();
  readonly #chains = new Map<string, readonly Certificate[]>();
  #identity: Identity;
  #handshakeErrors = 0;

  /** Use {@link createServer}. */
  constructor(options: HttpServerOptions, handler?: RequestListener<typeof IncomingMessage, typeof ServerResponse>) {
    const { tls, http } = splitOptions(options);
    const o = resolveListenerOptions({ ...tls, port: 0 } as ListenerOptions);
    super({
      noDelay: true, ...http,
      ...contextOptions(o, o.identity),
      handshakeTimeout: o.handshakeTimeout,
      ...serverVerificationOptions(o.requestCertificate),
    }, handler);
    this.#o = o;
    this.#identity = o.identity;
    // https.Server registered the HTTP parser as the one 'secureConnection' listener: take it, and
    // call it ourselves once the connection passed verification.
    const [parse] = this.listeners('secureConnection') as ConnectionListener[];
    this.removeListener('secureConnection', parse!);
    this.#parse = parse!;
    this.on('secureConnection', (socket: TLSSocket) => this.#onSecure(socket));
    this.on('tlsClientError', (error: Error, socket: TLSSocket) => {
      const info = { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort };
      socket.destroy();
      this.#reportHandshakeError(mapSocketError(error, { peer: formatHostPort(info.remoteAddress, info.remotePort), phase: 'handshake' }), info);
    });
    this.on('listening', () => this.#warnIfExpiring());
  }

  /** The identity presented to new connections. */
  get identity(): Identity {
    return this.#identity;
  }

  /** Clients refused or failed before their first request could be read, since start. */
  get handshakeErrorCount(): number {
    return this.#handshakeErrors;
  }

  /**
   * Presents another identity to new connections (existing ones keep theirs), e.g. after renewal.
   * @example `server.setIdentity(await ca.issue({ hosts: ['front-desk.local'] }))`
   */
  setIdentity(identity: Identity): void {
    this.#identity = identityOption('setIdentity(identity)', identity);
    this.setSecureContext(contextOptions(this.#o, identity));
    if (this.listening) this.#warnIfExpiring();
  }

  /** Stops listening (as node:https) and drops connections still being verified. */
  override close(callback?: (error?: Error) => void): this {
    super.close(callback);
    for (const socket of this.#verifying) socket.destroy();
    return this;
  }

  #warnIfExpiring(): void {
    const warning = expiryWarning(this.#identity);
    if (warning) this.emit('warning', warning);
  }

  #reportHandshakeError(error: LocalTlsError, info: HandshakeErrorInfo): void {
    this.#handshakeErrors++;
    this.emit('handshakeError', error, info);
  }

  #onSecure(socket: TLSSocket): void {
    const resumed = socket.isSessionReused();
    const protocol = socket.getProtocol() ?? 'unknown';
    const alpn = socket.alpnProtocol || undefined;
    const serverName = (socket as unknown as { servername?: string | false }).servername || undefined;
    if (!this.#o.requestCertificate) {
      markVerified(socket, new SocketTlsInfo(socket, { protocol, alpn, serverName, peerCertificates: [], resumed, trustResult: undefined }));
      this.#parse.call(this, socket);
      return;
    }
    let chain = peerChain(socket);
    // A resumed session carries the leaf only: use the chain verified when the session was made.
    if (resumed && chain.length === 1) chain = [...(this.#chains.get(chain[0]!.fingerprintSha256) ?? chain)];
    const host = socket.remoteAddress ?? 'unknown';
    const port = socket.remotePort ?? 0;
    this.#verifying.add(socket);
    const refuse = (error: LocalTlsError): void => {
      this.#verifying.delete(socket);
      socket.destroy();
      this.#reportHandshakeError(error, { remoteAddress: host, remotePort: port });
    };
    socket.on('error', noop); // until the parser adds its own: a reset while verifying is not a crash
    verifyPeer({
      side: 'server', peerCertificates: chain, host, port, serverName, protocol, alpn, resumed,
      anchors: this.#o.anchors.load, defaultPolicy: CLIENT_CERTIFICATE_POLICY, hook: this.#o.verify, timeoutMs: this.#o.verifyTimeout,
      requireCertificate: this.#o.requireCertificate,
    }).then((outcome) => {
      if (!outcome.ok) { refuse(outcome.error); return; }
      this.#verifying.delete(socket);
      if (socket.destroyed || !this.listening) { socket.destroy(); return; }
      if (chain.length > 0) this.#rememberChain(chain);
      markVerified(socket, new SocketTlsInfo(socket, { protocol, alpn, serverName, peerCertificates: chain, resumed, trustResult: outcome.trustResult }));
      this.#parse.call(this, socket);
    }, (error: unknown) => refuse(error as LocalTlsError));
  }

  #rememberChain(chain: readonly Certificate[]): void {
    const key = chain[0]!.fingerprintSha256;
    this.#chains.delete(key);
    this.#chains.set(key, chain);
    if (this.#chains.size > MAX_REMEMBERED_CHAINS) this.#chains.delete(this.#chains.keys().next().value as string);
  }
}

const noop = (): void => {};

function contextOptions(o: ResolvedListenerOptions, identity: Identity) {
  return { ...baseTlsOptions(o.minVersion), ...identity.tlsOptions(), honorCipherOrder: true, ALPNProtocols: ['http/1.1'] };
}

function splitOptions(options: HttpServerOptions): { tls: Record<string, unknown>; http: Record<string, unknown> } {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `createServer options: expected { identity, ... }; found ${describe(options)}`);
  const tls: Record<string, unknown> = {};
  const http: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((TLS_KEYS as readonly string[]).includes(key)) tls[key] = value;
    else if ((HTTP_KEYS as readonly string[]).includes(key)) http[key] = value;
    else throw new ConfigError('INVALID_OPTION', `createServer options: unknown option '${key}'; expected one of ${[...TLS_KEYS, ...HTTP_KEYS].join(', ')}`, { hint: 'TLS is configured by identity, minVersion and the client-certificate options; weakening lives in localtls/danger' });
  }
  return { tls, http };
}

/**
 * Creates an HTTPS server (Node's own `https.Server`, so Express, Koa, Fastify's `serverFactory`
 * and ws's `{ server }` work) that serves `identity` with the listener's defaults: TLS 1.2 floor,
 * AEAD cipher suites, renegotiation refused, a handshake deadline, hot identity swap
 * (`server.setIdentity`) and an expiry 'warning'. With client certificates requested, no request
 * reaches `handler` (nor 'request'/'upgrade' listeners) before the client's certificate passed
 * verification; refused clients are dropped unread and reported as 'handshakeError'.
 * HTTP/1.1 only (ALPN 'http/1.1').
 *
 * @throws ConfigError for bad options (synchronously).
 * @example
 * ```ts
 * import { createServer } from 'localtls/http';
 * const server = createServer({ identity, requireClientCertificate: true, trustRoots: [ca.certificate] }, (req, res) => {
 *   res.end(`hello ${peerInfo(req)?.peerCertificates[0]?.subject}`);
 * });
 * server.listen(8443);
 * ```
 */
export function createServer(options: HttpServerOptions, handler?: RequestListener<typeof IncomingMessage, typeof ServerResponse>): LocalTlsServer {
  return new LocalTlsServer(options, handler);
}
