/**
 * Slimming a serialized TLS session before it is cached. node:tls hands a client its session (or
 * TLS 1.3 ticket) as OpenSSL's DER encoding of SSL_SESSION, which carries the server's leaf
 * certificate in field `[3] peer`. Every resumption passes that Buffer back (`session` option) and
 * OpenSSL parses it whole — the certificate and its public key included, through OpenSSL 3's key
 * decoder. Measured on this machine (2026-12-08): that parse was ~230 µs of a ~1,100 µs resumed
 * client handshake, and `tls.connect()` with the session took 520–560 µs with the certificate
 * against 220–290 µs without it.
 *
 * Node 24 hands out the session inside its own envelope, which binds it to the host it was verified
 * for (measured on v24.21.0: `\0nodejs:tls:session:1\0`, a 16-bit big-endian length, that many
 * bytes of host name, then the DER; a session whose envelope names another host, or bare DER, is
 * not resumed). The envelope is kept byte for byte and only the DER inside it is slimmed. Any other
 * envelope (another version, a length running past the end) is stored unchanged.
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
 * The session without its `[3] peer` certificate (inside Node 24's envelope where there is one);
 * the session itself, unchanged, when it has no such field or is not the encoding node:tls
 * produces (so an unexpected encoding costs only the saving, never the session). The result
 * resumes exactly as the original does.
 * `SessionCache.set` applies it to every session it stores.
 *
 * @example
 * ```ts
 * const slim = withoutPeerCertificate(session); // session: from node:tls's 'session' event
 * ```
 */
export function withoutPeerCertificate(session: Buffer): Buffer {
  const derStart = envelopeLength(session);
  if (derStart === undefined) return session;
  const der = derStart === 0 ? session : session.subarray(derStart);
  const slim = derWithoutPeer(der);
  if (slim === der) return session;
  return derStart === 0 ? slim : Buffer.concat([session.subarray(0, derStart), slim]);
}

/** Node 24's session envelope header (see the file comment). */
const NODE_ENVELOPE = Buffer.from('\0nodejs:tls:session:1\0', 'latin1');

/**
 * Where the DER starts: 0 for bare DER (Node 20, 22), past Node's envelope header for an envelope
 * this reads, undefined for anything else (stored unchanged).
 */
function envelopeLength(session: Buffer): number | undefined {
  if (session[0] === SEQUENCE) return 0;
  const lengthAt = NODE_ENVELOPE.length;
  if (session.length < lengthAt + 2 || !session.subarray(0, lengthAt).equals(NODE_ENVELOPE)) return undefined;
  const derStart = lengthAt + 2 + session.readUInt16BE(lengthAt);
  return derStart < session.length ? derStart : undefined;
}

/** `der` without its `[3] peer` field, or `der` itself when it is not the SEQUENCE OpenSSL writes. */
function derWithoutPeer(der: Buffer): Buffer {
  let peer: Tlv | undefined;
  let outer: Tlv;
  try {
    outer = expectSingleSequence(der, 'TLS session');
    if (outer.contentStart - outer.start > MAX_HEADER) return der;
    for (let at = outer.contentStart; at < outer.end;) {
      const field = readTlv(der, at, 'TLS session field');
      if (field.tag === PEER_TAG) {
        if (peer) return der; // two peer fields: not OpenSSL's encoding
        peer = field;
      }
      at = field.end;
    }
  } catch (error) {
    if (error instanceof LocalTlsError) return der; // not DER-framed (MALFORMED): kept as it came
    throw error;
  }
  if (!peer) return der;
  const contentLength = outer.end - outer.contentStart - (peer.end - peer.start);
  return Buffer.concat([
    tlvHeader(SEQUENCE, contentLength),
    der.subarray(outer.contentStart, peer.start),
    der.subarray(peer.end, outer.end),
  ]);
}
