/**
 * Weak keys: localtls reads a 1024-bit RSA key (or any key its key-strength policy calls weak) but
 * refuses to *use* it — to serve TLS, as a client certificate, to sign or be certified by a CA —
 * with WEAK_KEY. Here, and only here, a caller may name one holder that is allowed anyway.
 */
import { permitWeakKey } from '../identity/key-strength.js';
import type { Identity } from '../identity/identity.js';
import type { PrivateKey } from '../identity/private-key.js';
import type { CertificateAuthority } from '../ca/certificate-authority.js';

/**
 * WEAK: lets `holder` use a key below localtls's minimum (RSA under 2048 bits): an identity (to
 * listen with, or to present as a client certificate), a private key (wherever it is used), or a
 * CA (to sign with its own weak key, and to certify weak subject keys from CSRs). A 1024-bit RSA
 * key can be factored by a well-funded attacker and is refused by current Apple, Android and
 * browser TLS stacks (and by OpenSSL at security level 2+); use this only for a legacy device
 * you cannot re-key, and plan its replacement. Nothing else is weakened: verification of peers is
 * unchanged (the ssl trust policy still refuses RSA under 2048 bits in the certificates it checks).
 *
 * @example
 * ```ts
 * import { allowWeakKey } from 'localtls/danger';
 * const printer = allowWeakKey(await Identity.fromPKCS12(await readFile('old-printer.p12'), 'secret'));
 * createListener({ identity: printer, port: 4433 });   // without allowWeakKey: WEAK_KEY
 * ```
 * @returns `holder` itself, now allowed
 */
export function allowWeakKey<T extends Identity | PrivateKey | CertificateAuthority>(holder: T): T {
  return permitWeakKey(holder);
}
