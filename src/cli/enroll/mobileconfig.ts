/**
 * The Apple configuration profile (`.mobileconfig`) that installs a localtls root on iOS, iPadOS
 * and macOS: an XML property list of PayloadType `Configuration` wrapping one
 * `com.apple.security.root` payload that carries the root's DER.
 *
 * Installing the profile is not enough on iOS: the user must also turn on full trust for the root
 * in Settings › General › About › Certificate Trust Settings (see docs/enroll.md).
 */
import { randomUUID } from 'node:crypto';
import { Certificate, ConfigError, type CertificateInput } from '../../index.js';

/** Options of {@link rootMobileconfig}. */
export interface MobileconfigOptions {
  /** The profile's name in Settings. Default: `"<CA name> (localtls root)"`, the CA name being the root's common name (or its subject). */
  displayName?: string;
  /** PayloadOrganization, shown under the profile's name. Default: `"localtls"`. */
  organization?: string;
  /** PayloadDescription. Default: a sentence naming the CA and the trust step the user must take. */
  description?: string;
}

/**
 * The reverse-DNS identifier of the profile for a root: `org.localtls.root.<sha-256 hex>`.
 * Stable for a given root, so installing the profile again replaces the earlier one instead of
 * adding a second copy.
 *
 * @example
 * ```ts
 * profileIdentifier(ca.certificate); // 'org.localtls.root.3f9a…'
 * ```
 */
export function profileIdentifier(certificate: Certificate): string {
  return `org.localtls.root.${certificate.fingerprintSha256.replace(/:/g, '').toLowerCase()}`;
}

/**
 * Builds the `.mobileconfig` for a root certificate.
 *
 * The result is an unsigned XML plist (Apple shows it as "Not Verified", which is expected for a
 * local CA). Every call makes fresh random (v4) PayloadUUIDs; PayloadIdentifier is derived from the
 * root's SHA-256 fingerprint; PayloadVersion is 1. Only the certificate goes in: never a key.
 *
 * Defaults: displayName `"<CA name> (localtls root)"`, organization `"localtls"`.
 * Throws `NOT_A_CA` when the certificate is not a CA (basicConstraints CA:TRUE).
 *
 * @example
 * ```ts
 * import { writeFile } from 'node:fs/promises';
 * await writeFile('root.mobileconfig', rootMobileconfig(ca.certificate, { organization: 'Front Desk' }));
 * ```
 */
export function rootMobileconfig(certificate: CertificateInput, options: MobileconfigOptions = {}): string {
  const cert = Certificate.from(certificate);
  if (!cert.isCA) {
    throw new ConfigError('NOT_A_CA', `mobileconfig: expected a CA root certificate (basicConstraints CA:TRUE); found ${cert.subject}, which is not a CA`, {
      hint: 'Pass the CA\'s root certificate (ca.certificate), not a server certificate.',
    });
  }
  for (const key of ['displayName', 'organization', 'description'] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      throw new ConfigError('INVALID_OPTION', `mobileconfig: ${key}: expected a non-empty string; found ${JSON.stringify(value)}`);
    }
  }
  const caName = cert.commonName ?? cert.subject;
  const displayName = options.displayName ?? `${caName} (localtls root)`;
  const organization = options.organization ?? 'localtls';
  const description = options.description ??
    `Installs the root certificate of "${caName}" so this device can verify servers on the local network. ` +
    'On iPhone and iPad, also turn on full trust in Settings › General › About › Certificate Trust Settings.';
  const identifier = profileIdentifier(cert);
  const base64 = Buffer.from(cert.toDER()).toString('base64').replace(/.{1,52}/g, '\t\t\t$&\n');

  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
\t<key>PayloadContent</key>
\t<array>
\t\t<dict>
\t\t\t<key>PayloadCertificateFileName</key>
\t\t\t<string>root.cer</string>
\t\t\t<key>PayloadContent</key>
\t\t\t<data>
${base64}\t\t\t</data>
\t\t\t<key>PayloadDescription</key>
\t\t\t<string>Adds a CA root certificate</string>
\t\t\t<key>PayloadDisplayName</key>
\t\t\t<string>${xml(caName)}</string>
\t\t\t<key>PayloadIdentifier</key>
\t\t\t<string>${identifier}.certificate</string>
\t\t\t<key>PayloadType</key>
\t\t\t<string>com.apple.security.root</string>
\t\t\t<key>PayloadUUID</key>
\t\t\t<string>${randomUUID().toUpperCase()}</string>
\t\t\t<key>PayloadVersion</key>
\t\t\t<integer>1</integer>
\t\t</dict>
\t</array>
\t<key>PayloadDescription</key>
\t<string>${xml(description)}</string>
\t<key>PayloadDisplayName</key>
\t<string>${xml(displayName)}</string>
\t<key>PayloadIdentifier</key>
\t<string>${identifier}</string>
\t<key>PayloadOrganization</key>
\t<string>${xml(organization)}</string>
\t<key>PayloadRemovalDisallowed</key>
\t<false/>
\t<key>PayloadType</key>
\t<string>Configuration</string>
\t<key>PayloadUUID</key>
\t<string>${randomUUID().toUpperCase()}</string>
\t<key>PayloadVersion</key>
\t<integer>1</integer>
</dict>
</plist>
`;
}

/** Escapes text for XML character data and drops characters XML 1.0 cannot carry. */
function xml(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
