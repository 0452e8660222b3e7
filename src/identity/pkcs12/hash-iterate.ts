/**
 * Repeated hashing of a hash's own output, H(H(...H(x))), for SHA-1 and SHA-256: the inner loop
 * of the PKCS#12 KDF. Each step hashes exactly one 20- or 32-byte value, i.e. one padded 64-byte
 * block, so it runs here on 32-bit integers without allocating — several times faster than a
 * native call per step (whose cost is mostly call overhead). Other hashes use Node's crypto.
 * Checked against Node's crypto in test/identity/pkcs12-primitives.test.ts.
 */

const K256 = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H256 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(80);

function load(value: Uint8Array, words: number): Int32Array {
  const out = new Int32Array(words);
  for (let i = 0; i < words; i++) out[i] = (value[4 * i]! << 24) | (value[4 * i + 1]! << 16) | (value[4 * i + 2]! << 8) | value[4 * i + 3]!;
  return out;
}

function store(words: Int32Array): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    out[4 * i] = words[i]! >>> 24; out[4 * i + 1] = (words[i]! >>> 16) & 0xff; out[4 * i + 2] = (words[i]! >>> 8) & 0xff; out[4 * i + 3] = words[i]! & 0xff;
  }
  return out;
}

function sha1Iterate(value: Uint8Array, count: number): Uint8Array {
  const h = load(value, 5);
  for (let n = 0; n < count; n++) {
    W[0] = h[0]!; W[1] = h[1]!; W[2] = h[2]!; W[3] = h[3]!; W[4] = h[4]!;
    W[5] = 0x80000000 | 0; W[6] = 0; W[7] = 0; W[8] = 0; W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0; W[13] = 0; W[14] = 0; W[15] = 160;
    for (let t = 16; t < 80; t++) { const x = W[t - 3]! ^ W[t - 8]! ^ W[t - 14]! ^ W[t - 16]!; W[t] = (x << 1) | (x >>> 31); }
    let a = 0x67452301 | 0, b = 0xefcdab89 | 0, c = 0x98badcfe | 0, d = 0x10325476 | 0, e = 0xc3d2e1f0 | 0;
    for (let t = 0; t < 80; t++) {
      let f: number, k: number;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc | 0; }
      else { f = b ^ c ^ d; k = 0xca62c1d6 | 0; }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + W[t]!) | 0;
      e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
    }
    h[0] = (0x67452301 + a) | 0; h[1] = (0xefcdab89 + b) | 0; h[2] = (0x98badcfe + c) | 0; h[3] = (0x10325476 + d) | 0; h[4] = (0xc3d2e1f0 + e) | 0;
  }
  return store(h);
}

function sha256Iterate(value: Uint8Array, count: number): Uint8Array {
  const h = load(value, 8);
  for (let n = 0; n < count; n++) {
    for (let i = 0; i < 8; i++) W[i] = h[i]!;
    W[8] = 0x80000000 | 0; W[9] = 0; W[10] = 0; W[11] = 0; W[12] = 0; W[13] = 0; W[14] = 0; W[15] = 256;
    for (let t = 16; t < 64; t++) {
      const w15 = W[t - 15]!, w2 = W[t - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
    }
    let a = H256[0]!, b = H256[1]!, c = H256[2]!, d = H256[3]!, e = H256[4]!, f = H256[5]!, g = H256[6]!, hh = H256[7]!;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K256[t]! + W[t]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] = (H256[0]! + a) | 0; h[1] = (H256[1]! + b) | 0; h[2] = (H256[2]! + c) | 0; h[3] = (H256[3]! + d) | 0;
    h[4] = (H256[4]! + e) | 0; h[5] = (H256[5]! + f) | 0; h[6] = (H256[6]! + g) | 0; h[7] = (H256[7]! + hh) | 0;
  }
  return store(h);
}

/**
 * Applies `hash` to `value` `count` times; `value` must be one output of that hash.
 * Returns undefined for hashes without a fast path (the caller then uses Node's crypto).
 *
 * @example
 * ```ts
 * const a2 = iterateHash('sha1', a1, 2047); // = sha1(sha1(...sha1(a1)))
 * ```
 */
export function iterateHash(hash: string, value: Uint8Array, count: number): Uint8Array | undefined {
  if (hash === 'sha1' && value.length === 20) return sha1Iterate(value, count);
  if (hash === 'sha256' && value.length === 32) return sha256Iterate(value, count);
  return undefined;
}
