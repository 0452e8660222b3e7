/**
 * Cipher suites. TLS 1.2 is limited to ECDHE key exchange with AEAD ciphers (AES-GCM and
 * ChaCha20-Poly1305): no CBC, no SHA-1 MACs, no CCM8, no ARIA, no static RSA, no finite-field DHE.
 * TLS 1.3 suites are all AEAD and listed explicitly so the list is the same on every Node version.
 */

/** The TLS 1.2 suites, strongest first (OpenSSL names). @example `TLS12_CIPHERS.includes('ECDHE-ECDSA-AES128-GCM-SHA256') // true` */
export const TLS12_CIPHERS: readonly string[] = Object.freeze([
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
]);

/** The TLS 1.3 suites (IANA names, as node:tls accepts them in `ciphers`). @example `TLS13_CIPHERSUITES[0] // 'TLS_AES_128_GCM_SHA256'` */
export const TLS13_CIPHERSUITES: readonly string[] = Object.freeze([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
]);

/** The `ciphers` string given to every node:tls context. @example `tls.createServer({ ciphers: CIPHER_LIST, ... })` */
export const CIPHER_LIST: string = [...TLS13_CIPHERSUITES, ...TLS12_CIPHERS].join(':');
