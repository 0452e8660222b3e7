/**
 * node:tls option building shared by the listener and the client: explicit version floor and
 * ceiling, the AEAD-only cipher list, renegotiation refused, ALPN.
 * Peer verification options live in verify-hook.ts, next to the code that verifies.
 */
import { constants } from 'node:crypto';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { Identity } from '../identity/identity.js';
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


const anonymousContexts = new Map<TlsVersion, SecureContext>();
const identityContexts = new WeakMap<Identity, Map<TlsVersion, SecureContext>>();

/**
 * A client SecureContext with {@link baseTlsOptions} (and the client identity, if any), built once
 * and reused: node:tls would otherwise build (and parse the key of) a new context on every connect.
 * Verification never depends on it (it is done by verify-hook.ts), so sharing is safe.
 *
 * @example `tls.connect({ secureContext: clientSecureContext('TLSv1.2', identity), socket, servername })`
 */
export function clientSecureContext(minVersion: TlsVersion, identity?: Identity): SecureContext {
  let byVersion: Map<TlsVersion, SecureContext> | undefined = anonymousContexts;
  if (identity) {
    byVersion = identityContexts.get(identity);
    if (!byVersion) identityContexts.set(identity, (byVersion = new Map()));
  }
  let context = byVersion.get(minVersion);
  if (!context) {
    context = createSecureContext({ ...baseTlsOptions(minVersion), ...(identity ? identity.tlsOptions() : {}) });
    byVersion.set(minVersion, context);
  }
  return context;
}
