/** A minimal DER TLV reader: enough to check framing and slice raw fields without re-encoding. */
import { LocalTlsError } from '../errors.js';

/** One tag-length-value element located inside a byte array. */
export interface Tlv {
  /** The identifier octet (e.g. 0x30 for SEQUENCE). */
  tag: number;
  /** Offset of the identifier octet. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the element. */
  end: number;
}

/** Reads the element that starts at `offset`. Throws MALFORMED when it is truncated or not DER-framed. */
export function readTlv(bytes: Uint8Array, offset: number, what = 'DER data'): Tlv {
  if (offset + 2 > bytes.length) {
    throw new LocalTlsError('MALFORMED', `${what}: expected a DER element at byte ${offset}; found ${bytes.length - offset} bytes (truncated)`);
  }
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new LocalTlsError('MALFORMED', `${what}: expected a low-tag-number form at byte ${offset}; found multi-byte tag`);
  let length = bytes[offset + 1]!;
  let cursor = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) {
      throw new LocalTlsError('MALFORMED', `${what}: expected a definite length of 1 to 4 bytes at byte ${offset + 1}; found ${count === 0 ? 'indefinite length' : `${count} length bytes`}`);
    }
    if (cursor + count > bytes.length) throw new LocalTlsError('MALFORMED', `${what}: length field truncated at byte ${cursor}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[cursor + i]!;
    cursor += count;
  }
  const end = cursor + length;
  if (end > bytes.length) {
    throw new LocalTlsError('MALFORMED', `${what}: element at byte ${offset} declares ${length} bytes; only ${bytes.length - cursor} remain (truncated)`);
  }
  return { tag, start: offset, contentStart: cursor, end };
}

/** Checks that `bytes` is exactly one SEQUENCE with nothing after it; returns its TLV. */
export function expectSingleSequence(bytes: Uint8Array, what: string): Tlv {
  const outer = readTlv(bytes, 0, what);
  if (outer.tag !== 0x30) throw new LocalTlsError('MALFORMED', `${what}: expected a DER SEQUENCE (0x30); found tag 0x${outer.tag.toString(16).padStart(2, '0')}`);
  if (outer.end !== bytes.length) {
    throw new LocalTlsError('MALFORMED', `${what}: expected ${outer.end} bytes; found ${bytes.length} (${bytes.length - outer.end} bytes of trailing data)`);
  }
  return outer;
}

/**
 * The identifier and definite, minimal length octets of an element with `length` content bytes.
 * @example `tlvHeader(0x30, 300)` → `30 82 01 2c`
 */
export function tlvHeader(tag: number, length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.from([tag, length]);
  if (length < 0x100) return Uint8Array.from([tag, 0x81, length]);
  if (length < 0x10000) return Uint8Array.from([tag, 0x82, length >> 8, length & 0xff]);
  if (length < 0x1000000) return Uint8Array.from([tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
  return Uint8Array.from([tag, 0x84, (length >>> 24) & 0xff, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}
