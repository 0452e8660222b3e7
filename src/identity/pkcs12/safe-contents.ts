/**
 * The inner layers of a PKCS#12 file: the AuthenticatedSafe (a list of ContentInfo, each plain,
 * password-encrypted or public-key-enveloped) and the SafeContents/SafeBags inside them.
 * Parsing only: no password is needed, so inspectPKCS12 and the decoder share it.
 */
import { IdentityError } from '../../errors.js';
import { bmpString, Children, integer, malformed, octets, oid, parseWhole, sequence, type Element } from './asn1.js';
import { OID, oidName, shortName } from './oids.js';
import { parseEncryptionAlgorithm, type EncryptionScheme } from './scheme.js';

/** Most bags accepted in one file. */
export const MAX_BAGS = 1000;

/** One ContentInfo of the AuthenticatedSafe. */
export type SafeEntry =
  | { kind: 'plain'; safeContents: Uint8Array }
  | { kind: 'encrypted'; scheme: EncryptionScheme; encrypted: Uint8Array };

/** Attributes localtls reads from a bag. */
export interface BagAttributes {
  friendlyName: string | undefined;
  localKeyId: Uint8Array | undefined;
}

/** One SafeBag. */
export type SafeBag =
  | ({ kind: 'key'; pkcs8: Uint8Array } & BagAttributes)
  | ({ kind: 'shroudedKey'; scheme: EncryptionScheme; encrypted: Uint8Array } & BagAttributes)
  | ({ kind: 'cert'; der: Uint8Array } & BagAttributes)
  | ({ kind: 'other'; type: string } & BagAttributes);

/** Parses a ContentInfo whose content is `data`: returns the OCTET STRING bytes. */
export function dataContent(info: Children, what: string): Uint8Array {
  const wrapper = info.next('content [0]');
  if (wrapper.tag !== 0xa0) throw malformed(`${what}: expected content [0]; found tag 0x${wrapper.tag.toString(16)}`);
  const inner = new Children(wrapper, `${what} content`);
  const bytes = octets(inner.next('OCTET STRING'), `${what} content`);
  inner.end();
  return bytes;
}

/** Parses the AuthenticatedSafe (the bytes the MAC covers). */
export function parseAuthenticatedSafe(bytes: Uint8Array): SafeEntry[] {
  const what = 'AuthenticatedSafe';
  const list = sequence(parseWhole(bytes, what), what).rest('ContentInfo', MAX_BAGS);
  return list.map((el, index) => {
    const label = `${what} item ${index + 1}`;
    const info = sequence(el, label);
    const type = oid(info.next('contentType'), `${label} contentType`);
    if (type === OID.data) {
      const safeContents = dataContent(info, label);
      info.end();
      return { kind: 'plain', safeContents };
    }
    if (type === OID.encryptedData) {
      const wrapper = info.next('content [0]');
      info.end();
      if (wrapper.tag !== 0xa0) throw malformed(`${label}: expected content [0]; found tag 0x${wrapper.tag.toString(16)}`);
      const outer = new Children(wrapper, `${label} content`);
      const encryptedData = sequence(outer.next('EncryptedData'), `${label} EncryptedData`);
      outer.end();
      integer(encryptedData.next('version'), `${label} EncryptedData version`);
      const eci = sequence(encryptedData.next('EncryptedContentInfo'), `${label} EncryptedContentInfo`);
      const innerType = oid(eci.next('contentType'), `${label} EncryptedContentInfo contentType`);
      if (innerType !== OID.data) throw malformed(`${label}: expected encrypted content of type data; found ${oidName(innerType)}`);
      const scheme = parseEncryptionAlgorithm(eci.next('contentEncryptionAlgorithm'), `${label} (encrypted certificates)`);
      const encrypted = eci.done ? new Uint8Array(0) : octets(eci.next('encryptedContent [0]'), `${label} encryptedContent`, 0x80);
      eci.end();
      return { kind: 'encrypted', scheme, encrypted };
    }
    if (type === OID.envelopedData) {
      throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${label}: expected password privacy (data or encryptedData); found ${oidName(type)} (public-key privacy mode)`);
    }
    throw malformed(`${label}: expected data, encryptedData or envelopedData; found ${oidName(type)}`);
  });
}

function attributes(kids: Children, label: string): BagAttributes {
  const result: BagAttributes = { friendlyName: undefined, localKeyId: undefined };
  if (kids.done) return result;
  const set = kids.next('bagAttributes');
  if (set.tag !== 0x31) throw malformed(`${label}: expected bagAttributes (SET); found tag 0x${set.tag.toString(16)}`);
  for (const attrEl of new Children(set, `${label} bagAttributes`).rest('attribute', 100)) {
    const attr = sequence(attrEl, `${label} attribute`);
    const type = oid(attr.next('attrId'), `${label} attribute`);
    const values = attr.next('attrValues');
    attr.end();
    if (values.tag !== 0x31) throw malformed(`${label} attribute ${shortName(type)}: expected a SET of values; found tag 0x${values.tag.toString(16)}`);
    const first = new Children(values, `${label} ${shortName(type)}`);
    if (first.done) continue;
    const value: Element = first.next('value');
    if (type === OID.friendlyName) result.friendlyName = bmpString(value, `${label} friendlyName`);
    else if (type === OID.localKeyId) result.localKeyId = octets(value, `${label} localKeyID`);
  }
  return result;
}

/**
 * Parses SafeContents into bags (nested safeContentsBags flattened).
 * @param bagCount shared counter so a file cannot hold more than MAX_BAGS bags overall
 */
export function parseSafeContents(bytes: Uint8Array, what: string, bagCount = { n: 0 }, depth = 0): SafeBag[] {
  if (depth > 3) throw malformed(`${what}: expected at most 3 levels of nested safeContentsBag; found more`);
  const bags: SafeBag[] = [];
  for (const bagEl of sequence(parseWhole(bytes, what), what).rest('SafeBag', MAX_BAGS)) {
    if (++bagCount.n > MAX_BAGS) throw new IdentityError('INPUT_TOO_LARGE', `PKCS#12: expected at most ${MAX_BAGS} bags; found more`);
    const label = `${what} bag ${bagCount.n}`;
    const bag = sequence(bagEl, label);
    const type = oid(bag.next('bagId'), `${label} bagId`);
    const wrapper = bag.next('bagValue [0]');
    if (wrapper.tag !== 0xa0) throw malformed(`${label}: expected bagValue [0]; found tag 0x${wrapper.tag.toString(16)}`);
    const valueKids = new Children(wrapper, `${label} bagValue`);
    const value = valueKids.next('value');
    valueKids.end();
    const attrs = attributes(bag, label);
    bag.end();
    const raw = value.src.subarray(value.start, value.end);
    if (type === OID.keyBag) {
      sequence(value, `${label} PrivateKeyInfo`);
      bags.push({ kind: 'key', pkcs8: raw, ...attrs });
    } else if (type === OID.pkcs8ShroudedKeyBag) {
      const epki = sequence(value, `${label} EncryptedPrivateKeyInfo`);
      const scheme = parseEncryptionAlgorithm(epki.next('encryptionAlgorithm'), `${label} (encrypted private key)`);
      const encrypted = octets(epki.next('encryptedData'), `${label} encryptedData`);
      epki.end();
      bags.push({ kind: 'shroudedKey', scheme, encrypted, ...attrs });
    } else if (type === OID.certBag) {
      const cert = sequence(value, `${label} CertBag`);
      const certType = oid(cert.next('certId'), `${label} certId`);
      const certWrapper = cert.next('certValue [0]');
      cert.end();
      if (certType !== OID.x509Certificate) { bags.push({ kind: 'other', type: `certBag ${oidName(certType)}`, ...attrs }); continue; }
      if (certWrapper.tag !== 0xa0) throw malformed(`${label}: expected certValue [0]; found tag 0x${certWrapper.tag.toString(16)}`);
      const inner = new Children(certWrapper, `${label} certValue`);
      const der = octets(inner.next('OCTET STRING'), `${label} certificate`);
      inner.end();
      bags.push({ kind: 'cert', der, ...attrs });
    } else if (type === OID.safeContentsBag) {
      bags.push(...parseSafeContents(raw, `${label} (nested)`, bagCount, depth + 1));
    } else {
      bags.push({ kind: 'other', type: oidName(type), ...attrs });
    }
  }
  return bags;
}
