/**
 * RC2 block cipher (RFC 2268) in CBC mode, with the "effective key bits" parameter.
 *
 * Why hand-written: PKCS#12 files made by macOS Keychain Access, mkcert, Firefox/NSS, Java and
 * OpenSSL 1.x encrypt their certificates with pbeWithSHAAnd40BitRC2-CBC. OpenSSL 3 moved RC2 into
 * its "legacy" provider, which Node does not load by default, so `createDecipheriv('rc2-40-cbc')`
 * fails with "unsupported"; no maintained JavaScript library offers it either. RC2 is small
 * (64-bit blocks, 16-bit word arithmetic); this file follows RFC 2268 section by section and is
 * checked against the RFC's test vectors (test/identity/pkcs12-primitives.test.ts).
 *
 * RC2 is weak; localtls only uses it to READ old files, never to write them.
 */

/** RFC 2268 section 2: the "random" permutation table derived from pi. */
const PITABLE = Uint8Array.from(Buffer.from(
  'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
  'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
  '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
  '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
  '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
  'c5f3db47e5a59c770aa62068fe7fc1ad', 'hex'));

const MASK = 0xffff;
const S = [1, 2, 3, 5];

/**
 * Expands a key (RFC 2268 section 2) into the 64 16-bit round-key words.
 * @param effectiveBits "T1", 1..1024 (40 for pbeWithSHAAnd40BitRC2-CBC, 128 for the 128-bit one)
 */
export function rc2ExpandKey(key: Uint8Array, effectiveBits: number): Uint16Array {
  const T = key.length;
  if (T < 1 || T > 128) throw new RangeError(`RC2 key: expected 1 to 128 bytes; found ${T}`);
  if (!Number.isInteger(effectiveBits) || effectiveBits < 1 || effectiveBits > 1024) throw new RangeError(`RC2 effective key bits: expected 1 to 1024; found ${effectiveBits}`);
  const L = new Uint8Array(128);
  L.set(key);
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  for (let i = T; i < 128; i++) L[i] = PITABLE[(L[i - 1]! + L[i - T]!) & 0xff]!;
  L[128 - T8] = PITABLE[L[128 - T8]! & TM]!;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[L[i + 1]! ^ L[i + T8]!]!;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = L[2 * i]! | (L[2 * i + 1]! << 8);
  return K;
}

/** Encrypts one 8-byte block in place (RFC 2268 section 3). */
export function rc2EncryptBlock(K: Uint16Array, block: Uint8Array, offset = 0): void {
  const R = [0, 1, 2, 3].map((i) => block[offset + 2 * i]! | (block[offset + 2 * i + 1]! << 8));
  let j = 0;
  const mixRound = (): void => {
    for (let i = 0; i < 4; i++) {
      let r = (R[i]! + K[j++]! + (R[(i + 3) & 3]! & R[(i + 2) & 3]!) + (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & MASK;
      r = ((r << S[i]!) | (r >> (16 - S[i]!))) & MASK;
      R[i] = r;
    }
  };
  const mashRound = (): void => {
    for (let i = 0; i < 4; i++) R[i] = (R[i]! + K[R[(i + 3) & 3]! & 63]!) & MASK;
  };
  for (let n = 0; n < 5; n++) mixRound();
  mashRound();
  for (let n = 0; n < 6; n++) mixRound();
  mashRound();
  for (let n = 0; n < 5; n++) mixRound();
  for (let i = 0; i < 4; i++) { block[offset + 2 * i] = R[i]! & 0xff; block[offset + 2 * i + 1] = R[i]! >> 8; }
}

/** Decrypts one 8-byte block in place (RFC 2268 section 4). */
export function rc2DecryptBlock(K: Uint16Array, block: Uint8Array, offset = 0): void {
  const R = [0, 1, 2, 3].map((i) => block[offset + 2 * i]! | (block[offset + 2 * i + 1]! << 8));
  let j = 63;
  const rMixRound = (): void => {
    for (let i = 3; i >= 0; i--) {
      let r = R[i]!;
      r = ((r >> S[i]!) | (r << (16 - S[i]!))) & MASK;
      R[i] = (r - K[j--]! - (R[(i + 3) & 3]! & R[(i + 2) & 3]!) - (~R[(i + 3) & 3]! & R[(i + 1) & 3]!)) & MASK;
    }
  };
  const rMashRound = (): void => {
    for (let i = 3; i >= 0; i--) R[i] = (R[i]! - K[R[(i + 3) & 3]! & 63]!) & MASK;
  };
  for (let n = 0; n < 5; n++) rMixRound();
  rMashRound();
  for (let n = 0; n < 6; n++) rMixRound();
  rMashRound();
  for (let n = 0; n < 5; n++) rMixRound();
  for (let i = 0; i < 4; i++) { block[offset + 2 * i] = R[i]! & 0xff; block[offset + 2 * i + 1] = R[i]! >> 8; }
}

/** RC2-CBC decryption without padding removal. `data.length` must be a multiple of 8. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8 || data.length % 8 !== 0) throw new RangeError('RC2-CBC: expected an 8-byte IV and whole 8-byte blocks');
  const K = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data);
  let prev = iv;
  for (let off = 0; off < out.length; off += 8) {
    const cipherBlock = data.subarray(off, off + 8);
    rc2DecryptBlock(K, out, off);
    for (let i = 0; i < 8; i++) out[off + i]! ^= prev[i]!;
    prev = cipherBlock;
  }
  return out;
}

/** RC2-CBC encryption without padding. `data.length` must be a multiple of 8 (used by tests). */
export function rc2CbcEncrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (iv.length !== 8 || data.length % 8 !== 0) throw new RangeError('RC2-CBC: expected an 8-byte IV and whole 8-byte blocks');
  const K = rc2ExpandKey(key, effectiveBits);
  const out = new Uint8Array(data);
  let prev: Uint8Array = iv;
  for (let off = 0; off < out.length; off += 8) {
    for (let i = 0; i < 8; i++) out[off + i]! ^= prev[i]!;
    rc2EncryptBlock(K, out, off);
    prev = out.subarray(off, off + 8);
  }
  return out;
}
