/**
 * One verified TLS socket for an HTTP client: resolve (mDNS for `.local`), TCP, TLS handshake with
 * a deadline, then localtls verification (hook or default) — and only then is the socket handed to
 * the HTTP client, so no request byte is written before the server passed. Resumed sessions are
 * verified again on the chain remembered with them.
 */
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Certificate } from '../cert/certificate.js';
import { ConnectionError, type LocalTlsError } from '../errors.js';
import { clientSecureContext, clientVerificationOptions, hookId, peerChain, sessionKey, verifyPeer, type SessionEntry } from '../tls/index.js';
import type { ResolvedConnectOptions } from '../transport/connect-options.js';
import { mapSocketError, prematureClose, type FailureContext } from '../transport/error-map.js';
import { resolveHost } from '../transport/resolve.js';
import { SocketTlsInfo } from '../transport/tls-info.js';
import { localResolver } from '../discovery/index.js';
import { formatHostPort } from '../internal/host-port.js';
import { markVerified, type VerifiedSocket } from './verified-socket.js';

/**
 * Dials `o.host:o.port` and resolves with a socket whose server passed verification, or rejects
 * with the LocalTlsError `connect()` would fail with (HOST_NOT_FOUND, CONNECTION_REFUSED,
 * CERTIFICATE_VERIFY_FAILED, VERIFY_TIMEOUT, ...). Later socket errors are LocalTlsErrors too.
 *
 * @example `const socket = await dialVerified(forOrigin('front-desk.local', 8443));`
 */
export async function dialVerified(o: ResolvedConnectOptions): Promise<VerifiedSocket> {
  const addresses = await resolveHost(o.host, o.lookup ?? localResolver);
  let last: LocalTlsError | undefined;
  for (const { address, family } of addresses) {
    try {
      return await dialAddress(o, address, family);
    } catch (error) {
      last = error as LocalTlsError;
      // Only an unreachable address is worth trying the next one; a refused certificate is final.
      if (last.code !== 'CONNECTION_REFUSED' && last.code !== 'CONNECT_TIMEOUT') throw last;
    }
  }
  throw last!;
}

function keyOf(o: ResolvedConnectOptions): string {
  return sessionKey({
    host: o.host, port: o.port, serverName: o.serverName, anchorsKey: o.anchors.key, hookId: hookId(o.verify),
    identity: o.identity?.certificate.fingerprintSha256 ?? '', minVersion: o.minVersion, alpn: o.alpn,
  });
}

function dialAddress(o: ResolvedConnectOptions, address: string, family: 4 | 6): Promise<VerifiedSocket> {
  const peer = `${formatHostPort(o.host, o.port)}${address === o.host ? '' : ` via ${address}`}`;
  const presentedCertificate = o.identity !== undefined;
  const cache = o.sessionCache;
  const key = cache ? keyOf(o) : '';
  const entry = cache?.get(key);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: address, port: o.port,
      secureContext: clientSecureContext(o.minVersion, o.identity),
      ...clientVerificationOptions(),
      ...(o.serverName ? { servername: o.serverName } : {}),
      ...(o.alpn ? { ALPNProtocols: o.alpn } : {}),
      ...(entry ? { session: entry.session } : {}),
      ...({ family } as object),
    });
    let phase: 'connect' | 'handshake' | 'verify' | 'established' = 'connect';
    let settled = false;
    const fail = (error: LocalTlsError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (cache && (error.code === 'CERTIFICATE_VERIFY_FAILED' || error.code === 'PEER_REJECTED_CERTIFICATE')) cache.delete(key);
      reject(error);
    };
    let timer = setTimeout(() => fail(new ConnectionError('CONNECT_TIMEOUT', `no TCP connection to ${peer} within ${o.connectTimeout} ms`, { hint: 'check that the device is on, on this network, and that no firewall drops the port' })), o.connectTimeout);
    // Every error this socket ever emits is a LocalTlsError: the HTTP client passes it on as the cause.
    mapErrors(socket, (sawData) => ({ peer, phase: phase === 'established' && !sawData ? 'verify' : phase, presentedCertificate }), () => phase === 'established');
    const onError = (error: Error): void => fail(error as LocalTlsError);
    socket.on('error', onError);
    const onClose = (): void => fail(prematureClose({ peer, phase, presentedCertificate }));
    socket.once('close', onClose);
    socket.once('connect', () => {
      clearTimeout(timer);
      phase = 'handshake';
      socket.setNoDelay(true);
      timer = setTimeout(() => fail(new ConnectionError('HANDSHAKE_TIMEOUT', `the TLS handshake with ${peer} did not finish within ${o.handshakeTimeout} ms`, {
        hint: 'the peer accepted TCP but is not answering TLS: check that it is an HTTPS server on this port',
      })), o.handshakeTimeout);
    });
    let verifiedChain: readonly Certificate[] | undefined;
    let heldSession: Buffer | undefined;
    if (cache) {
      socket.on('session', (session: Buffer) => {
        if (verifiedChain) cache.set(key, { session, chain: verifiedChain } satisfies SessionEntry);
        else heldSession = session;
      });
    }
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      phase = 'verify';
      const resumed = socket.isSessionReused();
      let chain: readonly Certificate[] = peerChain(socket);
      if (chain.length === 0 && resumed && entry) chain = entry.chain;
      const protocol = socket.getProtocol() ?? 'unknown';
      const alpn = socket.alpnProtocol || undefined;
      verifyPeer({
        side: 'client', peerCertificates: chain, host: o.verifyName, port: o.port, serverName: o.serverName, protocol, alpn, resumed,
        anchors: o.anchors.load, defaultPolicy: o.defaultPolicy, hook: o.verify, timeoutMs: o.verifyTimeout,
      }).then((outcome) => {
        if (settled) return;
        if (!outcome.ok) { fail(outcome.error); return; }
        settled = true;
        phase = 'established';
        socket.removeListener('close', onClose);
        // onError stays: it ignores errors once settled, and the HTTP client adds its own listener.
        if (cache) {
          verifiedChain = chain;
          if (heldSession) cache.set(key, { session: heldSession, chain });
          heldSession = undefined;
        }
        resolve(markVerified(socket, new SocketTlsInfo(socket, { protocol, alpn, serverName: o.serverName, peerCertificates: chain, resumed, trustResult: outcome.trustResult })));
      }, (error: unknown) => fail(error as LocalTlsError));
    });
  });
}

/**
 * Rewrites the socket's 'error' events into LocalTlsErrors (one wrapper per socket). A server that
 * closes a verified connection before sending any data refused us (typically our client
 * certificate, checked after a TLS 1.3 handshake): that end becomes the error connect() reports.
 */
function mapErrors(socket: TLSSocket, context: (sawData: boolean) => FailureContext, established: () => boolean): void {
  const emit = socket.emit as (this: TLSSocket, event: string | symbol, ...args: unknown[]) => boolean;
  let sawData = false;
  // No rest parameters: this runs for every 'data' event, so the common one-argument call allocates nothing.
  socket.emit = function emitMapped(this: TLSSocket, event: string | symbol, first?: unknown): boolean {
    if (event === 'data') {
      if (!sawData) sawData = true;
    } else if (event === 'error') {
      first = mapSocketError(first, context(sawData));
    } else if (event === 'end' && !sawData && established()) {
      this.destroy(prematureClose(context(false)));
      return true;
    }
    if (arguments.length <= 2) return arguments.length === 1 ? emit.call(this, event) : emit.call(this, event, first);
    const args = Array.prototype.slice.call(arguments, 1) as unknown[];
    args[0] = first;
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof socket.emit;
}
