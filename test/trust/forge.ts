/**
 * Builds small test PKIs in memory with localtls's own certificate builder, including names a CA
 * would never write (raw bytes in a dNSName), for the trust tests.
 */
import { Certificate } from '../../src/cert/certificate.js';
import { buildCertificate, simpleName } from '../../src/ca/certificate-builder.js';
import { caProfile, leafProfile } from '../../src/ca/certificate-profile.js';
import type { NameConstraintsSpec } from '../../src/ca/name-constraints.js';
import { PrivateKey } from '../../src/identity/private-key.js';

/** One issued certificate with its key. */
export interface Forged { cert: Certificate; key: PrivateKey; name: ReturnType<typeof simpleName> }

const NOT_BEFORE = new Date('2020-01-01T00:00:00Z');
const NOT_AFTER = new Date('2120-01-01T00:00:00Z');

/** A self-signed root CA (pathLen 1 so one intermediate fits). */
export async function forgeRoot(commonName: string): Promise<Forged> {
  const key = await PrivateKey.generate('ecdsa-p256');
  const name = simpleName(commonName);
  const spki = key.spki();
  const cert = await buildCertificate({ subject: name, issuer: name, subjectSpki: spki, issuerSpki: spki, signingKey: key, notBefore: NOT_BEFORE, notAfter: NOT_AFTER, profile: caProfile(1) });
  return { cert, key, name };
}

/** A CA issued by `issuer`, optionally with name constraints. */
export async function forgeIntermediate(issuer: Forged, commonName: string, nameConstraints?: NameConstraintsSpec): Promise<Forged> {
  const key = await PrivateKey.generate('ecdsa-p256');
  const name = simpleName(commonName);
  const cert = await buildCertificate({
    subject: name, issuer: issuer.name, subjectSpki: key.spki(), issuerSpki: issuer.key.spki(), signingKey: issuer.key,
    notBefore: NOT_BEFORE, notAfter: NOT_AFTER, profile: caProfile(0), ...(nameConstraints ? { nameConstraints } : {}),
  });
  return { cert, key, name };
}

/** A serverAuth leaf with the given raw dNSName values (written byte for byte, not normalised). */
export async function forgeLeaf(issuer: Forged, dnsNames: string[]): Promise<Certificate> {
  const key = await PrivateKey.generate('ecdsa-p256');
  return buildCertificate({
    subject: simpleName('leaf'), issuer: issuer.name, subjectSpki: key.spki(), issuerSpki: issuer.key.spki(), signingKey: issuer.key,
    notBefore: NOT_BEFORE, notAfter: NOT_AFTER, profile: leafProfile({ rsa: false, serverAuth: true, clientAuth: false }),
    sans: dnsNames.map((value) => ({ type: 'dns' as const, value })),
  });
}
