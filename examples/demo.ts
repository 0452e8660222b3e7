/**
 * The localtls demo: the restaurant flow on loopback, narrated step by step.
 * Run: `npm ci && npm run demo`.
 */
import { CertificateAuthority, lintCertificate, type Certificate } from '../src/index.js';

function step(n: number, text: string): void {
  console.log(`\n${n}. ${text}`);
}

/** A readable summary of a certificate (what `openssl x509 -text` would tell a person). */
export function describeCertificate(cert: Certificate): string {
  const lines = [
    `   subject      ${cert.subject}`,
    `   issuer       ${cert.issuer}`,
    `   serial       ${cert.serialNumber}`,
    `   valid        ${cert.notBefore.toISOString()} → ${cert.notAfter.toISOString()}`,
    `   key          ${cert.publicKey.type}${cert.publicKey.curve ? ` ${cert.publicKey.curve}` : ''}${cert.publicKey.bits && !cert.publicKey.curve ? ` ${cert.publicKey.bits} bits` : ''}`,
    `   signature    ${cert.signatureAlgorithm}`,
    `   CA           ${cert.isCA ? `yes (path length ${cert.pathLength ?? 'unlimited'})` : 'no'}`,
    `   key usage    ${cert.keyUsage?.join(', ') ?? '-'}`,
    `   ext. usage   ${cert.extendedKeyUsage?.join(', ') ?? '-'}`,
    `   names (SAN)  ${cert.subjectAltNames.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(', ') || '-'}`,
    `   sha256       ${cert.fingerprintSha256}`,
    `   SPKI pin     sha256/${cert.spkiSha256.base64}`,
  ];
  return lines.join('\n');
}

step(1, 'Create the local certificate authority on the front-desk machine (P-256, 10 years, names limited to local ones).');
const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
console.log(describeCertificate(ca.certificate));

step(2, 'Issue the server identity for listener-name.local and 127.0.0.1.');
const identity = await ca.issue({ hosts: ['listener-name.local', '127.0.0.1'] });
console.log(describeCertificate(identity.certificate));
const findings = lintCertificate(identity.certificate, { platform: 'apple', hosts: ['listener-name.local', '127.0.0.1'] });
console.log(`   Apple lint   ${findings.length === 0 ? 'clean: iOS and macOS accept it once the root is trusted' : findings.map((f) => f.message).join('; ')}`);

console.log('\nDone. Nothing was written to disk.');
