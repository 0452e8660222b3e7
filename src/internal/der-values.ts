/** Decoders for the few DER primitive values the certificate reader needs: OIDs, times and strings. */
import { LocalTlsError } from '../errors.js';
import type { Tlv } from './der.js';

/** Dotted text of OBJECT IDENTIFIER contents. Throws MALFORMED for bad encodings. */
export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0 || bytes.length > 64 || (bytes[bytes.length - 1]! & 0x80) !== 0) {
    throw new LocalTlsError('MALFORMED', `expected an OBJECT IDENTIFIER; found ${bytes.length} bytes that do not form one`);
  }
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (value === 0 && byte === 0x80) throw new LocalTlsError('MALFORMED', 'expected a minimal OBJECT IDENTIFIER encoding; found a leading 0x80');
    value = value * 128 + (byte & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 128) throw new LocalTlsError('MALFORMED', 'OBJECT IDENTIFIER arc too large');
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(value < 40 ? 0 : value < 80 ? 1 : 2, value < 80 ? value % 40 : value - 80);
      else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}

/** A UTCTime (0x17) or GeneralizedTime (0x18) as RFC 5280 requires them: seconds and a Z. */
export function decodeTime(der: Uint8Array, tlv: Tlv): Date {
  const text = Buffer.from(der.subarray(tlv.contentStart, tlv.end)).toString('latin1');
  const match = tlv.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
    : tlv.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : null;
  if (!match) throw new LocalTlsError('MALFORMED', `certificate: expected a UTCTime or GeneralizedTime ending in Z; found ${JSON.stringify(text.slice(0, 20))}`);
  let year = Number(match[1]);
  if (tlv.tag === 0x17) year += year < 50 ? 2000 : 1900;
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    throw new LocalTlsError('MALFORMED', `certificate: expected a real calendar time; found ${text}`);
  }
  return date;
}
