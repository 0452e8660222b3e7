/**
 * The restaurant's certificates: one local CA on the front-desk machine; the front desk's server
 * identity made the better way (its key never leaves it: a CSR the CA signs); one client identity
 * per tablet (clientAuth only), so the front desk knows which tablet sent an order.
 */
import { CertificateAuthority, createSigningRequest, Identity, type Certificate } from '../../src/index.js';

/** Everything the restaurant needs to run. */
export interface RestaurantPki {
  /** The root every device trusts (tablets to verify the front desk, the front desk to verify tablets). */
  root: Certificate;
  /** The front desk's server identity (front-desk.local and 127.0.0.1). */
  frontDesk: Identity;
  /** One client identity per tablet, keyed by tablet name. */
  tablets: Map<string, Identity>;
  /** Issues another client identity (used by main.ts to show what happens with another CA's). */
  ca: CertificateAuthority;
}

/** The front desk's name and the addresses its certificate lists. */
export const FRONT_DESK_HOSTS = ['front-desk.local', '127.0.0.1'];

/** Creates the CA, the front desk's identity (by CSR) and `count` tablet identities. */
export async function setUpRestaurant(tabletNames: readonly string[]): Promise<RestaurantPki> {
  const ca = await CertificateAuthority.create({ commonName: 'Restaurant CA', nameConstraints: 'local' });

  // On the front desk: a fresh key and a CSR. Only the CSR travels to the CA.
  const { csrPem, privateKey } = await createSigningRequest({ hosts: FRONT_DESK_HOSTS });
  // On the CA: check the CSR's signature and sign it; the CA decides the extensions.
  const signed = await ca.sign(csrPem);
  // Back on the front desk: the signed chain plus the key that never moved.
  const frontDesk = Identity.fromParts({ certificates: signed.chain, privateKey });

  const tablets = new Map<string, Identity>();
  for (const name of tabletNames) {
    tablets.set(name, await ca.issue({ commonName: name, clientAuth: true, serverAuth: false }));
  }
  return { root: ca.certificate, frontDesk, tablets, ca };
}
