/** Distinguished names as RFC 4514 strings (most specific RDN first, comma-separated). */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';
import { LocalTlsError } from '../errors.js';
import { readTlv } from '../internal/der.js';
import { decodeOid } from '../internal/der-values.js';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET',
  '2.5.4.10': 'O', '2.5.4.11': 'OU', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID', '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress',
};

/** One attribute of a relative distinguished name: a type OID and its text (or `#hex` for non-strings). */
export interface NameAttribute { type: string; value: string; isString: boolean }

function escapeValue(value: string): string {
  let out = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4514 text of a list of RDNs given in encoding order. */
export function formatRdns(rdns: readonly (readonly NameAttribute[])[]): string {
  return [...rdns]
    .reverse()
    .map((rdn) => rdn.map((attr) => `${SHORT_NAMES[attr.type] ?? attr.type}=${attr.isString ? escapeValue(attr.value) : attr.value}`).join('+'))
    .join(',');
}

function decodeString(tag: number, bytes: Uint8Array): string | undefined {
  switch (tag) {
    case 0x0c: return Buffer.from(bytes).toString('utf8');
    case 0x12: case 0x13: case 0x16: case 0x1a: case 0x14: return Buffer.from(bytes).toString('latin1');
    case 0x1e: { // BMPString: UTF-16BE
      const swapped = Buffer.from(bytes);
      if (swapped.length % 2) return undefined;
      return swapped.swap16().toString('utf16le');
    }
    case 0x1c: { // UniversalString: UTF-32BE
      if (bytes.length % 4) return undefined;
      let out = '';
      for (let i = 0; i < bytes.length; i += 4) out += String.fromCodePoint(((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0);
      return out;
    }
    default: return undefined;
  }
}

/** Decodes the DER of a Name (SEQUENCE OF SET OF AttributeTypeAndValue). Throws MALFORMED. */
export function parseNameDer(der: Uint8Array): NameAttribute[][] {
  const outer = readTlv(der, 0, 'name');
  if (outer.tag !== 0x30) throw new LocalTlsError('MALFORMED', 'name: expected a SEQUENCE of RDNs');
  const rdns: NameAttribute[][] = [];
  for (let offset = outer.contentStart; offset < outer.end;) {
    const set = readTlv(der.subarray(0, outer.end), offset, 'name');
    if (set.tag !== 0x31) throw new LocalTlsError('MALFORMED', 'name: expected a SET for each RDN');
    const rdn: NameAttribute[] = [];
    for (let inner = set.contentStart; inner < set.end;) {
      const atv = readTlv(der.subarray(0, set.end), inner, 'name');
      const type = readTlv(der.subarray(0, atv.end), atv.contentStart, 'name');
      const value = readTlv(der.subarray(0, atv.end), type.end, 'name');
      if (atv.tag !== 0x30 || type.tag !== 0x06 || value.end !== atv.end) throw new LocalTlsError('MALFORMED', 'name: expected (type OID, value) pairs');
      const text = decodeString(value.tag, der.subarray(value.contentStart, value.end));
      rdn.push(text === undefined
        ? { type: decodeOid(der.subarray(type.contentStart, type.end)), value: `#${Buffer.from(der.subarray(value.start, value.end)).toString('hex')}`, isString: false }
        : { type: decodeOid(der.subarray(type.contentStart, type.end)), value: text, isString: true });
      inner = atv.end;
    }
    if (rdn.length === 0) throw new LocalTlsError('MALFORMED', 'name: an RDN is empty');
    rdns.push(rdn);
    offset = set.end;
  }
  return rdns;
}

/** RFC 4514 text of an ASN.1 Name object. */
export function formatName(name: AsnName): string {
  return formatRdns(parseNameDer(new Uint8Array(AsnConvert.serialize(name))));
}

/** The first common name among RDNs, if any. */
export function commonNameOfRdns(rdns: readonly (readonly NameAttribute[])[]): string | undefined {
  for (const rdn of rdns) for (const attr of rdn) if (attr.type === '2.5.4.3' && attr.isString) return attr.value;
  return undefined;
}
