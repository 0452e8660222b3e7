/** How the CLI shows certificates and identities: aligned text rows for people, plain objects for --json. */
import type { Certificate, Identity } from '../index.js';

/** The SANs as `DNS:name, IP:addr`. */
export function sanText(cert: Certificate): string {
  return cert.subjectAltNames.map((s) => `${s.type.toUpperCase()}:${s.value}`).join(', ') || '-';
}

/** The public key as text, e.g. `ec P-256` or `rsa 2048 bits`. */
export function keyText(cert: Certificate): string {
  const k = cert.publicKey;
  return `${k.type}${k.curve ? ` ${k.curve}` : ''}${k.bits && !k.curve ? ` ${k.bits} bits` : ''}`;
}

/** A SHA-256 fingerprint grouped for reading aloud: `AB:CD:…` in groups of four bytes. */
export function groupedFingerprint(fingerprint: string): string {
  const bytes = fingerprint.split(':');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 4) groups.push(bytes.slice(i, i + 4).join(''));
  return groups.join(' ');
}

/** Rows describing a certificate (what `openssl x509 -text` would tell a person). */
export function certificateRows(cert: Certificate, time: Date = new Date()): [string, string][] {
  const days = Math.floor((cert.notAfter.getTime() - time.getTime()) / 86_400_000);
  const validity = time < cert.notBefore ? 'not yet valid' : days < 0 ? 'EXPIRED' : `${days} days left`;
  return [
    ['subject', cert.subject],
    ['issuer', cert.isSelfSigned ? `${cert.issuer} (self-signed)` : cert.issuer],
    ['serial', cert.serialNumber],
    ['valid', `${cert.notBefore.toISOString()} → ${cert.notAfter.toISOString()} (${validity})`],
    ['key', keyText(cert)],
    ['signature', cert.signatureAlgorithm],
    ['CA', cert.isCA ? `yes (path length ${cert.pathLength ?? 'unlimited'})` : 'no'],
    ['key usage', cert.keyUsage?.join(', ') ?? '-'],
    ['ext. usage', cert.extendedKeyUsage?.join(', ') ?? '-'],
    ['names (SAN)', sanText(cert)],
    ...(cert.nameConstraints ? [['constraints', `permitted ${cert.nameConstraints.permitted.map((s) => s.value).join(', ') || '-'}; excluded ${cert.nameConstraints.excluded.map((s) => s.value).join(', ') || '-'}`] as [string, string]] : []),
    ['sha256', cert.fingerprintSha256],
    ['SPKI pin', `sha256/${cert.spkiSha256.base64}`],
  ];
}

/** A certificate as a plain object for --json. */
export function certificateJson(cert: Certificate): Record<string, unknown> {
  return {
    subject: cert.subject,
    issuer: cert.issuer,
    commonName: cert.commonName ?? null,
    serialNumber: cert.serialNumber,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    subjectAltNames: cert.subjectAltNames.map((s) => ({ type: s.type, value: s.value })),
    isCA: cert.isCA,
    pathLength: cert.pathLength ?? null,
    keyUsage: cert.keyUsage ?? null,
    extendedKeyUsage: cert.extendedKeyUsage ?? null,
    publicKey: { type: cert.publicKey.type, curve: cert.publicKey.curve ?? null, bits: cert.publicKey.bits ?? null },
    signatureAlgorithm: cert.signatureAlgorithm,
    selfSigned: cert.isSelfSigned,
    fingerprintSha256: cert.fingerprintSha256,
    spkiSha256: cert.spkiSha256.base64,
  };
}

/** An identity as a plain object for --json (never the key). */
export function identityJson(identity: Identity): Record<string, unknown> {
  return {
    label: identity.friendlyName ?? null,
    keyAlgorithm: identity.privateKey.algorithm,
    certificate: certificateJson(identity.certificate),
    chain: identity.chain.map((c) => ({ subject: c.subject, fingerprintSha256: c.fingerprintSha256 })),
  };
}
