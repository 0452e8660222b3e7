/**
 * Password encodings. RFC 7292 appendix B.1: the PKCS#12 KDF (used by the legacy PBE ciphers and
 * the classic MAC) takes the password as a BMPString (UTF-16BE) followed by a two-byte zero
 * terminator; an absent password is the empty byte string (no terminator). PBES2/PBKDF2 and
 * PBMAC1 take the password's UTF-8 bytes.
 *
 * OpenSSL, given an empty password, tries both the empty BMPString ("00 00") and the absent
 * password; so do we. OpenSSL 1.0 and older encoded non-ASCII passwords byte by byte instead of
 * as UTF-16; we try that form too when the UTF-16 one fails.
 */

/** The password forms to try, in order, for the PKCS#12 KDF and for PBKDF2. */
export interface PasswordCandidate {
  /** Bytes for the PKCS#12 KDF (BMPString + terminator, or empty for absent). */
  readonly bmp: Uint8Array;
  /** Bytes for PBKDF2 / PBMAC1. */
  readonly utf8: Uint8Array;
  /** Non-secret label for diagnostics: 'utf16', 'empty', 'absent', 'legacy-bytes'. */
  readonly form: string;
}

/** UTF-16BE code units of `text` plus the two-byte zero terminator. */
export function bmpPassword(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2 + 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = unit >> 8;
    out[2 * i + 1] = unit & 0xff;
  }
  return out;
}

/** The byte-per-character BMP form old OpenSSL used for non-ASCII passwords (each UTF-8 byte widened). */
function legacyBmp(text: string): Uint8Array {
  const utf8 = Buffer.from(text, 'utf8');
  const out = new Uint8Array(utf8.length * 2 + 2);
  for (let i = 0; i < utf8.length; i++) out[2 * i + 1] = utf8[i]!;
  return out;
}

/** Candidate encodings for a password given by the caller (undefined = none given). */
export function passwordCandidates(password: string | undefined): PasswordCandidate[] {
  if (password === undefined || password === '') {
    const empty = new Uint8Array(0);
    return [
      { bmp: Uint8Array.of(0, 0), utf8: empty, form: 'empty' },
      { bmp: empty, utf8: empty, form: 'absent' },
    ];
  }
  const utf8 = new Uint8Array(Buffer.from(password, 'utf8'));
  const list: PasswordCandidate[] = [{ bmp: bmpPassword(password), utf8, form: 'utf16' }];
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u007f]/.test(password)) list.push({ bmp: legacyBmp(password), utf8, form: 'legacy-bytes' });
  return list;
}
