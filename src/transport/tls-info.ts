/**
 * `conn.tls`: the facts of an established TLS session. One small object per connection, with
 * `exportKeyingMaterial` on the prototype (not a closure per connection).
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
const cipherNames = new Map<string, string>();

/** One shared string per cipher name, instead of a fresh copy from the socket per connection. */
function cipherName(socket: TLSSocket): string {
  const cipher = socket.getCipher();
  const name = cipher?.standardName ?? cipher?.name ?? 'unknown';
  const known = cipherNames.get(name);
  if (known !== undefined) return known;
  if (cipherNames.size < 64) cipherNames.set(name, name);
  return name;
}

/**
 * {@link TlsInfo} over a node:tls socket (internal: built by connect() and the Listener).
 * @example `new SocketTlsInfo(socket, { protocol, alpn, serverName, peerCertificates, resumed, trustResult })`
 */
export class SocketTlsInfo implements TlsInfo {
  readonly protocol: string;
  readonly cipher: string;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly peerCertificates: readonly Certificate[];
  readonly resumed: boolean;
  readonly trustResult: TrustResult | undefined;
  readonly #socket: TLSSocket;

  constructor(socket: TLSSocket, facts: SessionFacts) {
    this.#socket = socket;
    this.protocol = facts.protocol;
    this.cipher = cipherName(socket);
    this.alpn = facts.alpn;
    this.serverName = facts.serverName;
    this.peerCertificates = facts.peerCertificates.length === 0 ? EMPTY_CHAIN
      : Object.isFrozen(facts.peerCertificates) ? facts.peerCertificates : Object.freeze([...facts.peerCertificates]);
    this.resumed = facts.resumed;
    this.trustResult = facts.trustResult;
  }

  exportKeyingMaterial(length: number, label: string, context?: Uint8Array): Uint8Array {
    return new Uint8Array(this.#socket.exportKeyingMaterial(length, label, context ? Buffer.from(context) : undefined as unknown as Buffer));
  }
}
