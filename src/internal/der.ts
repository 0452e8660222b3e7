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
