/**
 * node:tls option building shared by the listener and the client: explicit version floor and
 * ceiling, the AEAD-only cipher list, renegotiation refused, ALPN.
 * Peer verification options live in verify-hook.ts, next to the code that verifies.
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';
import { CIPHER_LIST } from './ciphers.js';
import { MAX_VERSION, type TlsVersion } from './versions.js';

/** Options common to every context localtls builds. */
export interface BaseTlsOptions extends SecureContextOptions {
  minVersion: TlsVersion;
  maxVersion: TlsVersion;
  ciphers: string;
  secureOptions: number;
}

/**
 * The base options for any context: `minVersion` (explicit, so `NODE_OPTIONS=--tls-min-v1.0`
 * cannot lower it), `maxVersion` 'TLSv1.3', {@link CIPHER_LIST}, and `SSL_OP_NO_RENEGOTIATION`
 * (client-initiated renegotiation is refused on the first attempt).
 *
 * @example
 * ```ts
 * tls.createServer({ ...baseTlsOptions('TLSv1.2'), ...identity.tlsOptions() });
 * ```
 */
export function baseTlsOptions(minVersion: TlsVersion): BaseTlsOptions {
  return {
    minVersion,
    maxVersion: MAX_VERSION,
    ciphers: CIPHER_LIST,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}

