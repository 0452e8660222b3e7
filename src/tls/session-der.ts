/**
 * Slimming a serialized TLS session before it is cached. node:tls hands a client its session (or
 * TLS 1.3 ticket) as OpenSSL's DER encoding of SSL_SESSION, which carries the server's leaf
 * certificate in field `[3] peer`. Every resumption passes that Buffer back (`session` option) and
 * OpenSSL parses it whole — the certificate and its public key included, through OpenSSL 3's key
 * decoder. Measured on this machine (2026-12-08): that parse was ~230 µs of a ~1,100 µs resumed
 * client handshake, and `tls.connect()` with the session took 520–560 µs with the certificate
 * against 220–290 µs without it.
 *
 * Node 24 hands out the session inside its own envelope (a "nodejs:tls:session:1" header before
 * the DER). That is not the SEQUENCE this reads, so such a session is stored unchanged: correct, but
 * without the saving (a measured gap on Node 24, docs/performance.md).
 *
 * localtls never uses OpenSSL's copy of the certificate: a resumed connection is verified on the
 * chain remembered with the session (session-cache.ts), and node:tls reports no peer certificate
 * on a resumed client session either way. So the field is dropped before the session is stored.
 *
 * Written by hand rather than with asn1js: only the top level of one SEQUENCE is walked (a few
 * dozen bytes of headers), where a full BER decode would parse the very certificate this avoids.
 */

/** The tag of SSL_SESSION's `peer` field: [3] EXPLICIT, constructed. */
const PEER_TAG = 0xa3;
const SEQUENCE = 0x30;

/** One DER element: its tag and where its header and content end. */
interface Element { tag: number; start: number; contentStart: number; end: number }

/** The element starting at `at`, or undefined when it is not well-formed DER within `limit`. */
function elementAt(der: Uint8Array, at: number, limit: number): Element | undefined {
  if (at + 2 > limit) return undefined;
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) return undefined; // multi-byte tags do not occur in SSL_SESSION
  let length = der[at + 1]!;
  let contentStart = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 3 || contentStart + bytes > limit) return undefined; // indefinite, or > 16 MiB
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[contentStart + i]!;
    contentStart += bytes;
  }
  const end = contentStart + length;
  return end <= limit ? { tag, start: at, contentStart, end } : undefined;
}

/** A DER length header for `length` bytes of content (definite, minimal). */
function lengthHeader(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/**
 * The session without its `[3] peer` certificate; the session itself, unchanged, when it has no
 * such field or is not the DER SEQUENCE node:tls produces (so an unexpected encoding costs only
 * the saving, never the session). The result resumes exactly as the original does.
 *
 * @example
 * ```ts
 * socket.on('session', (session) => cache.set(key, { session: withoutPeerCertificate(session), chain }));
 * ```
 */
export function withoutPeerCertificate(session: Buffer): Buffer {
  const outer = elementAt(session, 0, session.length);
  if (!outer || outer.tag !== SEQUENCE || outer.end !== session.length) return session;
  let peer: Element | undefined;
  for (let at = outer.contentStart; at < outer.end;) {
    const field = elementAt(session, at, outer.end);
    if (!field) return session;
    if (field.tag === PEER_TAG) {
      if (peer) return session; // two peer fields: not OpenSSL's encoding
      peer = field;
    }
    at = field.end;
  }
  if (!peer) return session;
  const contentLength = outer.end - outer.contentStart - (peer.end - peer.start);
  return Buffer.concat([
    Buffer.from([SEQUENCE, ...lengthHeader(contentLength)]),
    session.subarray(outer.contentStart, peer.start),
    session.subarray(peer.end, outer.end),
  ]);
}
