/** Distinguished names as RFC 4514 strings (most specific RDN first, comma-separated). */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.9': 'STREET',
  '2.5.4.10': 'O', '2.5.4.11': 'OU', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID', '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress',
};

function escapeValue(value: string): string {
  let out = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4514 text of an ASN.1 Name. */
export function formatName(name: AsnName): string {
  return [...name]
    .reverse()
    .map((rdn) => rdn
      .map((attr) => {
        const type = SHORT_NAMES[attr.type] ?? attr.type;
        const value = attr.value.anyValue
          ? `#${Buffer.from(attr.value.anyValue).toString('hex')}`
          : escapeValue(attr.value.toString());
        return `${type}=${value}`;
      })
      .join('+'))
    .join(',');
}

/** RFC 4514 text of a DER-encoded Name. */
export function formatNameDer(der: ArrayBuffer): string {
  return formatName(AsnConvert.parse(der, AsnName));
}

/** The first common name in an ASN.1 Name, if any. */
export function commonNameOf(name: AsnName): string | undefined {
  for (const rdn of name) for (const attr of rdn) if (attr.type === '2.5.4.3') return attr.value.toString();
  return undefined;
}
