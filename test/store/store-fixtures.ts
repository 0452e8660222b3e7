/** Shared test material for the store tests: a CA, identities, low-cost KDF options. */
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import type { Identity } from '../../src/identity/identity.js';

/** scrypt cost for tests (the default 2^17 would make every open take ~0.4 s). */
export const TEST_KDF = { N: 1024 } as const;
export const PASSPHRASE = 'correct horse battery staple';

let material: Promise<{ ca: CertificateAuthority; a: Identity; b: Identity; otherCa: CertificateAuthority }> | undefined;

/** One CA and two identities for 'listener-name.local', made once per test process. */
export function testMaterial(): Promise<{ ca: CertificateAuthority; a: Identity; b: Identity; otherCa: CertificateAuthority }> {
  material ??= (async () => {
    const ca = await CertificateAuthority.create({ commonName: 'Store Test CA' });
    const otherCa = await CertificateAuthority.create({ commonName: 'Other CA' });
    const a = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });
    const b = await ca.issue({ hosts: ['listener-name.local'] });
    return { ca, a, b, otherCa };
  })();
  return material;
}
