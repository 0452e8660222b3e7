/** The outer PFX structure (RFC 7292 section 4): version 3, the AuthenticatedSafe, optional MacData. */
import { ConfigError, IdentityError } from '../../errors.js';
import { isBinary, toBytes, type BinaryInput } from '../../internal/bytes.js';
import { describe } from '../../internal/options.js';
import { integer, malformed, oid, parseWhole, sequence } from './asn1.js';
import { MAX_PKCS12_BYTES } from './limits.js';
import { parseMacData, type MacInfo } from './mac.js';
import { OID, oidName } from './oids.js';
import { dataContent } from './safe-contents.js';

/** A parsed PFX. */
export interface Pfx {
  /** The AuthenticatedSafe DER: the bytes the MAC covers. */
  authSafe: Uint8Array;
  /** The MAC, or undefined when the file has none. */
  mac: MacInfo | undefined;
}

/** Checks the input type and size; returns the bytes. */
export function pkcs12Bytes(data: unknown): Uint8Array {
  if (!isBinary(data)) {
    throw new ConfigError('INVALID_OPTION', `PKCS#12 data: expected the file's bytes (Uint8Array, Buffer or ArrayBuffer); found ${describe(data)}`, {
      hint: typeof data === 'string' ? 'read the file without an encoding, or decode base64 first' : undefined,
    });
  }
  const bytes = toBytes(data as BinaryInput);
  if (bytes.length > MAX_PKCS12_BYTES) {
    throw new IdentityError('INPUT_TOO_LARGE', `PKCS#12: expected at most ${MAX_PKCS12_BYTES} bytes; found ${bytes.length}`);
  }
  if (bytes.length === 0) throw malformed('expected a PFX (DER SEQUENCE); found 0 bytes');
  return bytes;
}

/** Parses the PFX. MALFORMED / UNSUPPORTED_ALGORITHM on bad input. */
export function parsePfx(bytes: Uint8Array): Pfx {
  if (bytes[0] !== 0x30) {
    const text = bytes.length > 10 && new TextDecoder().decode(bytes.subarray(0, 11)) === '-----BEGIN ';
    throw malformed(`expected a PFX (DER SEQUENCE, first byte 0x30); found ${text ? 'PEM text' : `first byte 0x${bytes[0]!.toString(16).padStart(2, '0')}`}`);
  }
  const pfx = sequence(parseWhole(bytes, 'PFX'), 'PFX');
  const version = integer(pfx.next('version'), 'PFX version');
  if (version !== 3) throw malformed(`PFX: expected version 3; found ${version}`);
  const authSafe = sequence(pfx.next('authSafe'), 'PFX authSafe');
  const type = oid(authSafe.next('contentType'), 'PFX authSafe contentType');
  if (type === OID.signedData) {
    throw new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: expected password integrity (authSafe of type data); found ${oidName(type)} (public-key integrity mode)`);
  }
  if (type !== OID.data) throw malformed(`PFX: expected authSafe of type data; found ${oidName(type)}`);
  const content = dataContent(authSafe, 'PFX authSafe');
  authSafe.end();
  const mac = pfx.done ? undefined : parseMacData(pfx.next('macData'));
  pfx.end();
  return { authSafe: content, mac };
}
