/** GeneralName and NameConstraints decoding into plain values. */
import * as asnX509 from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { formatName } from './distinguished-name.js';
import { canonicalDnsSan, canonicalEmail } from './host-name.js';
import { formatIpAddress, parseIpAddress } from './ip-address.js';

/** A decoded GeneralName. IP entries in SANs are canonical addresses; in name constraints, "address/prefix". */
export type GeneralNameValue =
  | { type: 'dns'; value: string }
  | { type: 'ip'; value: string }
  | { type: 'email'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'directory'; value: string; der: Uint8Array }
  | { type: 'other'; value: string };

/** One subtree of a name constraint. For IP: `network`/`mask` bytes are set. */
export interface NameSubtree {
  type: GeneralNameValue['type'];
  value: string;
  network?: Uint8Array;
  mask?: Uint8Array;
  der?: Uint8Array;
}

/** Permitted and excluded subtrees (RFC 5280 §4.2.1.10). */
export interface NameConstraints {
  permitted: NameSubtree[];
  excluded: NameSubtree[];
}

/** Decodes one GeneralName (a SAN entry). */
export function parseGeneralName(name: asnX509.GeneralName, inConstraint = false): GeneralNameValue | undefined {
  if (name.dNSName !== undefined) return { type: 'dns', value: canonicalDnsSan(name.dNSName, inConstraint) };
  if (name.iPAddress !== undefined) {
    const bytes = parseIpAddress(name.iPAddress);
    return { type: 'ip', value: bytes ? formatIpAddress(bytes) : `invalid:${name.iPAddress}` };
  }
  if (name.rfc822Name !== undefined) return { type: 'email', value: canonicalEmail(name.rfc822Name, inConstraint) };
  if (name.uniformResourceIdentifier !== undefined) return { type: 'uri', value: name.uniformResourceIdentifier };
  if (name.directoryName !== undefined) {
    return { type: 'directory', value: formatName(name.directoryName), der: new Uint8Array(AsnConvert.serialize(name.directoryName)) };
  }
  return { type: 'other', value: name.registeredID ?? name.otherName?.typeId ?? 'other' };
}

function parseSubtree(subtree: asnX509.GeneralSubtree): NameSubtree {
  const base = subtree.base;
  if (base.iPAddress !== undefined) {
    const [address, prefixText] = base.iPAddress.split('/');
    const network = parseIpAddress(address ?? '');
    if (network && prefixText !== undefined) {
      const prefix = Number(prefixText);
      const mask = new Uint8Array(network.length);
      for (let i = 0; i < mask.length; i++) mask[i] = Math.max(0, Math.min(8, prefix - i * 8)) === 0 ? 0 : (0xff << (8 - Math.min(8, prefix - i * 8))) & 0xff;
      return { type: 'ip', value: `${formatIpAddress(network)}/${prefix}`, network, mask };
    }
    return { type: 'ip', value: `invalid:${base.iPAddress}` };
  }
  const parsed = parseGeneralName(base, true);
  if (!parsed) return { type: 'other', value: 'other' };
  if (parsed.type === 'dns') return { type: 'dns', value: parsed.value };
  if (parsed.type === 'directory') return { type: 'directory', value: parsed.value, der: parsed.der };
  return { type: parsed.type, value: parsed.value };
}

/** Decodes a NameConstraints extension. */
export function parseNameConstraints(nc: asnX509.NameConstraints): NameConstraints {
  return {
    permitted: Array.from(nc.permittedSubtrees ?? [], parseSubtree),
    excluded: Array.from(nc.excludedSubtrees ?? [], parseSubtree),
  };
}
