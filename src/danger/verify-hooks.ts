/**
 * Verify hooks that give something up. Each name says what. Use them for diagnostics, never in a
 * shipped app; the safe way to dial an address missing from the certificate is a hook calling
 * `ctx.evaluate({ kind: 'basicX509' })` (chain, dates and CA constraints still checked).
 */
import type { TlsVerifyHook } from '../tls/index.js';

/**
 * INSECURE: accepts any peer certificate (or none). Anyone on the network can impersonate the
 * listener; encryption without authentication.
 * @example
 * ```ts
 * import { acceptAnyPeerCertificate_INSECURE } from 'localtls/danger';
 * connect('192.168.1.20', 4433, { verify: acceptAnyPeerCertificate_INSECURE });
 * ```
 */
export const acceptAnyPeerCertificate_INSECURE: TlsVerifyHook = () => true;

/**
 * INSECURE: checks the chain against the trust roots (signatures, dates, CA constraints) but not
 * the name or address: any certificate your CA ever issued — for any device — is accepted.
 * Same check as `ctx.evaluate({ kind: 'basicX509' })`, under a name that says what it skips.
 * @example
 * ```ts
 * import { skipHostnameCheck_INSECURE } from 'localtls/danger';
 * connect('10.0.0.7', 4433, { trustRoots: [ca.certificate], verify: skipHostnameCheck_INSECURE });
 * ```
 */
export const skipHostnameCheck_INSECURE: TlsVerifyHook = async (ctx) => ctx.peerCertificates.length > 0 && (await ctx.evaluate({ kind: 'basicX509' })).trusted;

/**
 * INSECURE: accepts a peer whose leaf certificate's SHA-256 fingerprint (colon hex, as openssl
 * prints it) equals `fingerprint`, without any chain, date or name check (trust on first use).
 * @example
 * ```ts
 * connect('10.0.0.7', 4433, { verify: pinFingerprintOnly_INSECURE('AB:CD:...') });
 * ```
 */
export function pinFingerprintOnly_INSECURE(fingerprint: string): TlsVerifyHook {
  const wanted = fingerprint.toUpperCase();
  return (ctx) => ctx.peerCertificates[0]?.fingerprintSha256 === wanted;
}
