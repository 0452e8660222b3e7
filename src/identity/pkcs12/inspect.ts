/**
 * inspectPKCS12: what a PKCS#12 file is made of, read without its password — so a user learns
 * why a device refuses a file ("AES-256 needs iOS 18") instead of being told the password is wrong.
 */
import { LocalTlsError, IdentityError } from '../../errors.js';
import { toHex } from '../../internal/bytes.js';
import { parsePfx, pkcs12Bytes } from './pfx.js';
import { PROFILES, type PKCS12Profile } from './profiles.js';
import { parseAuthenticatedSafe, parseSafeContents, type SafeBag } from './safe-contents.js';
import { Certificate } from '../../cert/certificate.js';
import { PrivateKey } from '../private-key.js';
import { keyWeakness, STRONG_KEYS } from '../key-strength.js';

/** One bag seen without decryption. */
export interface PKCS12BagInfo {
  /** 'certificate', 'key' (unencrypted keyBag), 'encrypted key' (pkcs8ShroudedKeyBag) or the bag type. */
  type: string;
  /** Algorithm protecting this bag's own content (encrypted keys), else undefined. */
  encryption: string | undefined;
  iterations: number | undefined;
  friendlyName: string | undefined;
  /** localKeyID in hex, when present. */
  localKeyId: string | undefined;
  /**
   * Why the key of this bag (a certificate's public key, or an unencrypted private key) is too weak
   * to use, e.g. 'a 1024-bit RSA key'; undefined when strong or not visible without the password.
   */
  weakKey: string | undefined;
}

/** One SafeContents of the file. */
export interface PKCS12ContentsInfo {
  /** Algorithm encrypting this SafeContents; undefined when it is stored in clear. */
  encryption: string | undefined;
  iterations: number | undefined;
  /** Bags, when visible (undefined inside encrypted SafeContents). */
  bags: PKCS12BagInfo[] | undefined;
}

/** The result of {@link inspectPKCS12}. */
export interface PKCS12Inspection {
  /** The integrity protection. */
  mac: { mode: 'password-mac' | 'pbmac1' | 'none'; algorithm: string | undefined; iterations: number | undefined };
  contents: PKCS12ContentsInfo[];
  /** Which localtls profile the file follows ('other' for anything else, e.g. OpenSSL 1.x's RC2-40 files). */
  profile: PKCS12Profile | 'other';
  /** True when OpenSSL 3 with its default provider — and so Node's `tls.createSecureContext({ pfx })` — reads it. */
  nativeOpenSSL3: boolean;
  /** True when iOS < 18 / macOS < 15 (SecPKCS12Import) can read its algorithms (3DES/RC2 + SHA-1 MAC). */
  appleBefore18: boolean;
  /** Plain-language findings, e.g. why a platform refuses the file. */
  notes: string[];
}

/** The weakness of a visible key, if any; a key that does not even load is the decoder's business. */
function weakness(read: () => string | undefined): string | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

function bagInfo(bag: SafeBag): PKCS12BagInfo {
  const common = { friendlyName: bag.friendlyName, localKeyId: bag.localKeyId ? toHex(bag.localKeyId) : undefined, weakKey: undefined };
  switch (bag.kind) {
    case 'cert': return { type: 'certificate', encryption: undefined, iterations: undefined, ...common, weakKey: weakness(() => keyWeakness(Certificate.from(bag.der).publicKey)) };
    case 'key': return { type: 'key', encryption: undefined, iterations: undefined, ...common, weakKey: weakness(() => keyWeakness(PrivateKey.fromPKCS8(bag.pkcs8).keyObject())) };
    case 'shroudedKey': return { type: 'encrypted key', encryption: bag.scheme.name, iterations: bag.scheme.iterations, ...common };
    default: return { type: bag.type, encryption: undefined, iterations: undefined, ...common };
  }
}

/**
 * Describes a PKCS#12 file without its password: MAC algorithm and iterations, each
 * SafeContents' and visible bag's algorithm, the profile it follows, which platforms read it, and
 * weak keys in bags stored in clear (`weakKey`, and a note).
 *
 * @throws IdentityError MALFORMED (not a PKCS#12 file), INPUT_TOO_LARGE, UNSUPPORTED_ALGORITHM
 *   (public-key integrity or privacy modes)
 *
 * @example
 * ```ts
 * const info = inspectPKCS12(await readFile('old.p12'));
 * console.log(info.profile, info.mac, info.notes.join('\n'));
 * ```
 */
export function inspectPKCS12(data: unknown): PKCS12Inspection {
  try {
    return inspect(pkcs12Bytes(data));
  } catch (error) {
    if (error instanceof LocalTlsError) throw error;
    throw new IdentityError('MALFORMED', `PKCS#12: expected a well-formed file; found data that failed to decode (${error instanceof Error ? error.name : 'error'})`, { cause: error });
  }
}

function inspect(bytes: Uint8Array): PKCS12Inspection {
  const pfx = parsePfx(bytes);
  const entries = parseAuthenticatedSafe(pfx.authSafe);
  const notes: string[] = [];
  const mac: PKCS12Inspection['mac'] = pfx.mac
    ? { mode: pfx.mac.kind === 'pbmac1' ? 'pbmac1' : 'password-mac', algorithm: pfx.mac.name, iterations: pfx.mac.iterations }
    : { mode: 'none', algorithm: undefined, iterations: undefined };
  const contents: PKCS12ContentsInfo[] = [];
  const schemes: { name: string; native: boolean; oid: string }[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry.kind === 'encrypted') {
      schemes.push({ name: entry.scheme.name, native: entry.scheme.nativeOpenSSL3, oid: entry.scheme.oid });
      contents.push({ encryption: entry.scheme.name, iterations: entry.scheme.iterations, bags: undefined });
    } else {
      const bags = parseSafeContents(entry.safeContents, `SafeContents ${index + 1}`);
      for (const bag of bags) if (bag.kind === 'shroudedKey') schemes.push({ name: bag.scheme.name, native: bag.scheme.nativeOpenSSL3, oid: bag.scheme.oid });
      contents.push({ encryption: undefined, iterations: undefined, bags: bags.map(bagInfo) });
    }
  }
  let nativeOpenSSL3 = true;
  for (const s of schemes) {
    if (s.name.startsWith('unsupported')) { nativeOpenSSL3 = false; notes.push(`${s.name}: localtls cannot decrypt it`); }
    else if (!s.native) { nativeOpenSSL3 = false; notes.push(`${s.name} needs OpenSSL's legacy provider: OpenSSL 3 and Node report "unsupported" (localtls reads it)`); }
  }
  if (pfx.mac?.unsupported) { nativeOpenSSL3 = false; notes.push(`MAC ${pfx.mac.name}: localtls cannot verify it`); }
  if (pfx.mac?.kind === 'pbmac1') { nativeOpenSSL3 = false; notes.push('PBMAC1 integrity (RFC 9579) is read by OpenSSL 3.4+ only; older OpenSSL and Node 20 report a MAC failure (localtls reads it)'); }

  const pkcs12Pbe = (s: { oid: string }): boolean => s.oid.startsWith('1.2.840.113549.1.12.1.');
  const appleBefore18 = schemes.every(pkcs12Pbe) && (pfx.mac === undefined || pfx.mac.name === 'HMAC-SHA-1');
  if (!appleBefore18) notes.push('iOS < 18 / macOS < 15 read only 3DES/RC2 with a SHA-1 MAC: they report this file as a wrong password; write it with the \'compatible\' profile');
  if (!pfx.mac) notes.push('no MAC: the file is not integrity-protected (a wrong password shows up only as a decryption failure)');

  const keyBags = contents.flatMap((c) => c.bags ?? []).filter((b) => b.type === 'key' || b.type === 'encrypted key');
  if (keyBags.some((b) => b.localKeyId === undefined)) notes.push('a key bag has no localKeyID: Apple platforms find no identity in such a file');
  if (keyBags.some((b) => b.type === 'key')) notes.push('the private key is stored unencrypted');
  const weak = contents.flatMap((c) => c.bags ?? []).find((b) => b.weakKey !== undefined);
  if (weak) notes.push(`${weak.type === 'certificate' ? 'a certificate carries' : 'the private key is'} ${weak.weakKey}: localtls reads it, but refuses to use it (WEAK_KEY) — expected ${STRONG_KEYS}; re-key the device, or allow it by name with allowWeakKey from localtls/danger`);

  let profile: PKCS12Profile | 'other' = 'other';
  for (const spec of Object.values(PROFILES)) {
    if (mac.algorithm === spec.macAlgorithm && schemes.length >= 2 && schemes.every((s) => s.name === spec.bagAlgorithm)) profile = spec.name;
  }
  return { mac, contents, profile, nativeOpenSSL3, appleBefore18, notes };
}
