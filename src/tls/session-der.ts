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
 * The project's DER TLV reader (internal/der.ts) walks only the top level of the SEQUENCE (a few
 * dozen bytes of headers); asn1js would decode the very certificate this avoids.
 */

import { LocalTlsError } from '../errors.js';
import { expectSingleSequence, readTlv, tlvHeader, type Tlv } from '../internal/der.js';

/** The tag of SSL_SESSION's `peer` field: [3] EXPLICIT, constructed. */
const PEER_TAG = 0xa3;
const SEQUENCE = 0x30;
/** Header bytes of a SEQUENCE of at most 16 MiB (a session is a few KiB; more is not OpenSSL's). */
const MAX_HEADER = 5;

/**
 * The session without its `[3] peer` certificate; the session itself, unchanged, when it has no
 * such field or is not the DER SEQUENCE node:tls produces (so an unexpected encoding costs only
 * the saving, never the session). The result resumes exactly as the original does.
 * `SessionCache.set` applies it to every session it stores.
 *
 * @example
 * ```ts
 * const slim = withoutPeerCertificate(session); // session: from node:tls's 'session' event
 * ```
 */
export function withoutPeerCertificate(session: Buffer): Buffer {
  let peer: Tlv | undefined;
  let outer: Tlv;
  try {
    outer = expectSingleSequence(session, 'TLS session');
    if (outer.contentStart - outer.start > MAX_HEADER) return session;
    for (let at = outer.contentStart; at < outer.end;) {
      const field = readTlv(session, at, 'TLS session field');
      if (field.tag === PEER_TAG) {
        if (peer) return session; // two peer fields: not OpenSSL's encoding
        peer = field;
      }
      at = field.end;
    }
  } catch (error) {
    if (error instanceof LocalTlsError) return session; // not DER-framed (MALFORMED): kept as it came
    throw error;
  }
  if (!peer) return session;
  const contentLength = outer.end - outer.contentStart - (peer.end - peer.start);
  return Buffer.concat([
    tlvHeader(SEQUENCE, contentLength),
    session.subarray(outer.contentStart, peer.start),
    session.subarray(peer.end, outer.end),
  ]);
}
