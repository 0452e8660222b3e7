/**
 * `conn.tls`: the facts of an established TLS session. One small object per connection (the facts
 * most connections share live in one interned object), with methods on the prototype.
 */
import type { TLSSocket } from 'node:tls';
import type { Certificate } from '../cert/certificate.js';
import type { TrustResult } from '../trust/index.js';

/**
 * Facts about the established TLS session (`conn.tls`, available once ready).
 * @example `console.log(conn.tls?.protocol, conn.tls?.cipher, conn.tls?.resumed)`
 */
export interface TlsInfo {
  /** 'TLSv1.2' or 'TLSv1.3'. */
  readonly protocol: string;
  /** The cipher suite's standard name. */
  readonly cipher: string;
  /** The negotiated ALPN protocol, if any. */
  readonly alpn: string | undefined;
  /** The SNI name sent (client) or received (listener). */
  readonly serverName: string | undefined;
  /** The peer's verified chain, leaf first (empty when a client presented none). */
  readonly peerCertificates: readonly Certificate[];
  /** True when the session was resumed (verification still ran). */
  readonly resumed: boolean;
  /** The TrustResult of the verification, when one was computed. */
  readonly trustResult: TrustResult | undefined;
  /**
   * RFC 5705 keying material exporter (a method: call it on `conn.tls`).
   * @example `conn.tls!.exportKeyingMaterial(32, 'EXPORTER-my-app')`
   */
  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array;
}

/** The facts read from the socket when verification passed (internal). */
export interface SessionFacts {
  protocol: string;
  alpn: string | undefined;
  serverName: string | undefined;
  peerCertificates: readonly Certificate[];
  resumed: boolean;
  trustResult: TrustResult | undefined;
}

const EMPTY_CHAIN: readonly Certificate[] = Object.freeze([]);

/**
 * What most connections of one listener or one client share: protocol, cipher, ALPN, SNI, resumed
 * (internal; one frozen object per distinct combination, see {@link sessionParams}).
 */
export interface SessionParams {
  readonly protocol: string;
  readonly cipher: string;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly resumed: boolean;
}

const MAX_PARAMS = 256;
const paramsByKey = new Map<string, SessionParams>();

/**
 * One shared, frozen SessionParams per distinct combination (bounded; past the bound each
 * connection gets its own), instead of five fields and fresh protocol/cipher strings per connection:
 * a listener may hold thousands of idle connections.
 * @example `const params = sessionParams(socket, { protocol: 'TLSv1.3', alpn: undefined, serverName: undefined, resumed: false })`
 */
export function sessionParams(socket: TLSSocket, facts: Omit<SessionFacts, 'peerCertificates' | 'trustResult'>): SessionParams {
  const cipher = socket.getCipher();
  const cipherName = cipher?.standardName ?? cipher?.name ?? 'unknown';
  const key = `${facts.protocol}\0${cipherName}\0${facts.alpn ?? ''}\0${facts.serverName ?? ''}\0${facts.alpn === undefined ? 0 : 1}${facts.serverName === undefined ? 0 : 1}${facts.resumed ? 1 : 0}`;
  const known = paramsByKey.get(key);
  if (known !== undefined) return known;
  const params: SessionParams = Object.freeze({ protocol: facts.protocol, cipher: cipherName, alpn: facts.alpn, serverName: facts.serverName, resumed: facts.resumed });
  if (paramsByKey.size < MAX_PARAMS) paramsByKey.set(key, params);
  return params;
}

/**
 * {@link TlsInfo} over a node:tls socket (internal: built by connect() and the Listener).
 * @example `new SocketTlsInfo(socket, { protocol, alpn, serverName, peerCertificates, resumed, trustResult })`
 */
export class SocketTlsInfo implements TlsInfo {
  readonly peerCertificates: readonly Certificate[];
  readonly trustResult: TrustResult | undefined;
  readonly #params: SessionParams;
  readonly #socket: TLSSocket;

  /** `params`: the interned params when the caller has them already (else read from `facts`). */
  constructor(socket: TLSSocket, facts: Pick<SessionFacts, 'peerCertificates' | 'trustResult'> & Partial<SessionFacts>, params?: SessionParams) {
    this.#socket = socket;
    this.#params = params ?? sessionParams(socket, facts as SessionFacts);
    this.peerCertificates = facts.peerCertificates.length === 0 ? EMPTY_CHAIN
      : Object.isFrozen(facts.peerCertificates) ? facts.peerCertificates : Object.freeze([...facts.peerCertificates]);
    this.trustResult = facts.trustResult;
  }

  /**
   * The TlsInfo of a session with no peer chain and no trust result (a listener that asks for no
   * client certificate), from its interned params: what a Connection builds on first `conn.tls`.
   * @example `SocketTlsInfo.unverified(socket, params).protocol`
   */
  static unverified(socket: TLSSocket, params: SessionParams): SocketTlsInfo {
    return new SocketTlsInfo(socket, { peerCertificates: EMPTY_CHAIN, trustResult: undefined }, params);
  }

  get protocol(): string { return this.#params.protocol; }
  get cipher(): string { return this.#params.cipher; }
  get alpn(): string | undefined { return this.#params.alpn; }
  get serverName(): string | undefined { return this.#params.serverName; }
  get resumed(): boolean { return this.#params.resumed; }

  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return new Uint8Array(this.#socket.exportKeyingMaterial(length, label, context ? Buffer.from(context) : undefined as unknown as Buffer));
  }

  /** The same facts as plain data (getters do not show in `console.log` or JSON otherwise). */
  toJSON(): Omit<TlsInfo, 'exportKeyingMaterial'> {
    const { protocol, cipher, alpn, serverName, resumed } = this.#params;
    return { protocol, cipher, alpn, serverName, peerCertificates: this.peerCertificates, resumed, trustResult: this.trustResult };
  }
}
