/**
 * Platform lint: the rules Apple, Android and Chrome apply to certificates under a locally
 * installed root, checked before a certificate ever reaches a device.
 */
import { Certificate, type CertificateInput } from '../cert/certificate.js';
import { hostMatchesSans } from '../cert/name-match.js';
import { oneOf } from '../internal/options.js';
import { keyWeakness, STRONG_KEYS } from '../identity/key-strength.js';
import { MAX_LEAF_VALIDITY_DAYS } from './validity.js';

/** Platforms with rules we check. */
export type LintPlatform = 'apple' | 'android' | 'chrome';

/** One lint finding. */
export interface LintFinding {
  /** Stable finding code, e.g. 'NO_SAN'. */
  code: 'NO_SAN' | 'HOST_NOT_IN_SAN' | 'NO_SERVER_AUTH_EKU' | 'WEAK_RSA_KEY' | 'WEAK_EC_KEY' | 'WEAK_SIGNATURE' | 'VALIDITY_TOO_LONG' | 'CA_WITHOUT_BASIC_CONSTRAINTS' | 'CA_WITHOUT_KEY_CERT_SIGN';
  /** 'error': the platform refuses the certificate; 'warning': it works but is discouraged. */
  severity: 'error' | 'warning';
  /** What is wrong, with the values found. */
  message: string;
}

/** Options for {@link lintCertificate}. */
export interface LintOptions {
  /** Whose rules (default 'apple', the strictest). */
  platform?: LintPlatform;
  /** Host names / addresses the certificate must cover (checked against SANs only). */
  hosts?: string[];
}

const DAY_MS = 86_400_000;

/**
 * Checks a certificate against a platform's rules. CA certificates are checked for CA rules,
 * leaves for server rules.
 *
 * @example
 * ```ts
 * const findings = lintCertificate(identity.certificate, { platform: 'apple', hosts: ['listener-name.local'] });
 * if (findings.some((f) => f.severity === 'error')) console.log(findings);
 * ```
 */
export function lintCertificate(input: CertificateInput, options: LintOptions = {}): LintFinding[] {
  const cert = Certificate.from(input);
  const platform = oneOf('platform', options.platform ?? 'apple', ['apple', 'android', 'chrome'] as const);
  const findings: LintFinding[] = [];
  const add = (code: LintFinding['code'], severity: LintFinding['severity'], message: string) => findings.push({ code, severity, message });

  const scheme = cert.signatureScheme;
  if (scheme.hash === 'sha1' || scheme.hash === 'md5') add('WEAK_SIGNATURE', 'error', `signature uses ${scheme.name}; every platform requires SHA-256 or stronger`);
  const weakness = keyWeakness(cert.publicKey);
  if (weakness && cert.publicKey.type !== 'dsa') {
    add(cert.publicKey.type === 'ec' ? 'WEAK_EC_KEY' : 'WEAK_RSA_KEY', 'error', `the certificate has ${weakness}; expected ${STRONG_KEYS} (localtls refuses to use such a key: WEAK_KEY)`);
  }

  if (cert.isCA || cert.keyUsage?.includes('keyCertSign')) {
    const bc = cert.extensions.find((e) => e.oid === '2.5.29.19');
    if (!cert.isCA || !bc?.critical) add('CA_WITHOUT_BASIC_CONSTRAINTS', 'error', 'a CA certificate needs a critical basicConstraints extension with CA:TRUE');
    if (cert.keyUsage && !cert.keyUsage.includes('keyCertSign')) add('CA_WITHOUT_KEY_CERT_SIGN', 'error', `CA keyUsage is ${cert.keyUsage.join(', ')}; keyCertSign required`);
    return findings;
  }

  const eku = cert.extendedKeyUsage;
  const serverCapable = !eku || eku.includes('serverAuth') || eku.includes('anyExtendedKeyUsage');
  const clientOnly = eku !== undefined && eku.includes('clientAuth') && !serverCapable;
  if (cert.subjectAltNames.length === 0 && !clientOnly) {
    add('NO_SAN', 'error', `no subjectAltName; platforms ignore the common name${cert.commonName ? ` (${cert.commonName})` : ''}`);
  }
  for (const host of options.hosts ?? []) {
    if (!hostMatchesSans(host, cert.subjectAltNames)) {
      add('HOST_NOT_IN_SAN', 'error', `certificate is valid for ${cert.subjectAltNames.map((s) => s.value).join(', ') || 'no names'}; not ${host}`);
    }
  }
  if (!clientOnly) {
    if (!eku && platform === 'apple') add('NO_SERVER_AUTH_EKU', 'error', 'no extendedKeyUsage; Apple requires serverAuth for TLS servers');
    else if (eku && !serverCapable) add('NO_SERVER_AUTH_EKU', 'error', `extendedKeyUsage is ${eku.join(', ')}; serverAuth required for TLS servers`);
  }
  const days = (cert.notAfter.getTime() - cert.notBefore.getTime()) / DAY_MS;
  if (days > MAX_LEAF_VALIDITY_DAYS) {
    add('VALIDITY_TOO_LONG', platform === 'apple' ? 'error' : 'warning',
      `valid for ${Math.round(days)} days; Apple refuses more than ${MAX_LEAF_VALIDITY_DAYS} days under a non-built-in root`);
  }
  return findings;
}
