/**
 * The enrollment page: one static HTML document that tells a person how to install the CA's root
 * on their device. No JavaScript, no external resources (the QR code is inline SVG, the CSS is
 * inline), readable on a phone.
 */
import { Certificate, type CertificateInput } from '../../index.js';
import { qrSvg } from './qr.js';

/**
 * Splits a SHA-256 fingerprint (colon hex as `Certificate.fingerprintSha256` gives it, or plain
 * hex) into groups of `groupSize` uppercase hex characters, for reading aloud and comparing.
 *
 * Default: groups of 4 (16 groups for SHA-256).
 *
 * @example
 * ```ts
 * fingerprintGroups('AB:CD:EF:01:23:45').join(' '); // 'ABCD EF01 2345'
 * ```
 */
export function fingerprintGroups(fingerprint: string, groupSize = 4): string[] {
  const hex = fingerprint.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  const groups: string[] = [];
  for (let i = 0; i < hex.length; i += groupSize) groups.push(hex.slice(i, i + groupSize));
  return groups;
}

/** Options of {@link renderEnrollPage}. */
export interface EnrollPageOptions {
  /** The page's own URL (`http://192.168.1.20:8080/`): shown as text and as a QR code. */
  url: string;
  /** The CA's name as shown. Default: the root's common name, else its subject. */
  caName?: string;
}

/**
 * Renders the enrollment page for a root certificate. Links are relative (`root.cer`,
 * `root.pem`, `root.mobileconfig`), so the page works under whatever address served it.
 *
 * @example
 * ```ts
 * const html = renderEnrollPage(ca.certificate, { url: 'http://192.168.1.20:8080/' });
 * ```
 */
export function renderEnrollPage(certificate: CertificateInput, options: EnrollPageOptions): string {
  const cert = Certificate.from(certificate);
  const caName = options.caName ?? cert.commonName ?? cert.subject;
  const name = html(caName);
  const url = html(options.url);
  const groups = fingerprintGroups(cert.fingerprintSha256);
  const rows: string[] = [];
  for (let i = 0; i < groups.length; i += 4) rows.push(groups.slice(i, i + 4).map((g) => `<span>${g}</span>`).join(' '));
  const expires = cert.notAfter.toISOString().slice(0, 10);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Install ${name}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;padding:1rem;max-width:40rem}
h1{font-size:1.5rem;margin:.5rem 0}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
code,.fp{font-family:ui-monospace,Menlo,Consolas,monospace}
.fp{font-size:1.15rem;letter-spacing:.05em;line-height:1.8;padding:.5rem .75rem;border:1px solid #8888;border-radius:.5rem;word-spacing:.4em}
.fp span{white-space:nowrap}
.downloads a{display:block;margin:.5rem 0;padding:.75rem 1rem;border:1px solid #8888;border-radius:.5rem;text-decoration:none;font-weight:600}
.downloads small{display:block;font-weight:400;opacity:.8}
details{border-top:1px solid #8884;padding:.5rem 0}
summary{font-weight:600;font-size:1.1rem;cursor:pointer;padding:.25rem 0}
ol{padding-left:1.4rem}
li{margin:.35rem 0}
pre{overflow-x:auto;padding:.5rem;border-radius:.4rem;background:#8882;font-size:.85rem}
.qr{width:12rem;max-width:60%;margin:.5rem 0}
.note{opacity:.85;font-size:.95rem}
</style>
</head>
<body>
<main>
<h1>Install the root certificate of <q id="ca-name">${name}</q></h1>
<p>Devices that trust this root can check the identity of servers on this network that ${name} vouches for.
Only install it if you know who runs ${name}.</p>

<h2>1. Check the fingerprint</h2>
<p>Ask the person who runs the CA to read their fingerprint aloud (<code>localtls ca show</code>) and compare it with this one, group by group:</p>
<div class="fp" id="fingerprint" data-sha256="${html(cert.fingerprintSha256)}" aria-label="SHA-256 fingerprint">
${rows.join('<br>\n')}
</div>
<p class="note">This page comes over plain HTTP, so someone on the network could swap the certificate on the way. Matching fingerprints prove you have the right one. Your device shows the same SHA-256 fingerprint in the certificate's details.</p>

<h2>2. Download it</h2>
<div class="downloads">
<a href="root.mobileconfig" id="dl-mobileconfig">Profile for iPhone, iPad and Mac<small>root.mobileconfig — open in Safari</small></a>
<a href="root.cer" id="dl-cer">Certificate (DER)<small>root.cer — Android, Windows, macOS</small></a>
<a href="root.pem" id="dl-pem">Certificate (PEM)<small>root.pem — Linux, Firefox, developer tools</small></a>
</div>
<p class="note">Valid until ${expires}. These files hold only the public certificate, never a private key.</p>

<h2>3. Trust it on your device</h2>

<details open id="ios">
<summary>iPhone and iPad</summary>
<ol>
<li>Open this page in <strong>Safari</strong> (other browsers cannot install profiles) and tap <strong>Profile for iPhone, iPad and Mac</strong>, then <strong>Allow</strong>.</li>
<li>Open <strong>Settings</strong>, tap <strong>Profile Downloaded</strong> near the top (or Settings › General › VPN &amp; Device Management), then <strong>Install</strong> and enter your passcode.</li>
<li><strong>Turn on full trust</strong>: Settings › General › About › <strong>Certificate Trust Settings</strong>, switch on <q>${name}</q> and confirm. Without this step apps and Safari still refuse the servers.</li>
</ol>
<p class="note">Apps also need the Local Network permission to reach servers on this network.</p>
</details>

<details id="android">
<summary>Android</summary>
<ol>
<li>Tap <strong>Certificate (DER)</strong> to download <code>root.cer</code>.</li>
<li>Open Settings › Security &amp; privacy › More security settings › Encryption &amp; credentials › <strong>Install a certificate</strong> › <strong>CA certificate</strong> (names vary by maker; search Settings for <q>CA certificate</q>), confirm, and pick <code>root.cer</code> from Downloads.</li>
<li>Check it under Trusted credentials › User.</li>
</ol>
<p class="note">Since Android 7, apps trust user-installed CAs only when their network security config allows it. App developers add <code>res/xml/network_security_config.xml</code>:</p>
<pre>&lt;network-security-config&gt;
  &lt;base-config&gt;
    &lt;trust-anchors&gt;
      &lt;certificates src="system"/&gt;
      &lt;certificates src="user"/&gt;
    &lt;/trust-anchors&gt;
  &lt;/base-config&gt;
&lt;/network-security-config&gt;</pre>
<p class="note">and reference it with <code>android:networkSecurityConfig="@xml/network_security_config"</code> on <code>&lt;application&gt;</code> (or bundle <code>root.cer</code> in the app under <code>&lt;certificates src="@raw/root"/&gt;</code>).</p>
</details>

<details id="macos">
<summary>macOS</summary>
<ol>
<li>Download <code>root.cer</code> and double-click it; Keychain Access adds it to the <strong>System</strong> keychain (choose it if asked).</li>
<li>In Keychain Access, double-click <q>${name}</q>, open <strong>Trust</strong>, set <strong>When using this certificate</strong> to <strong>Always Trust</strong>, close the window and enter your password.</li>
</ol>
<p>Or in Terminal:</p>
<pre>sudo security add-trusted-cert -d -r trustRoot \\
  -k /Library/Keychains/System.keychain root.cer</pre>
</details>

<details id="windows">
<summary>Windows</summary>
<ol>
<li>Download <code>root.cer</code> and double-click it, then <strong>Install Certificate…</strong> › <strong>Local Machine</strong> › <strong>Place all certificates in the following store</strong> › <strong>Trusted Root Certification Authorities</strong> › Finish. (Or open <code>certlm.msc</code> (<code>certmgr.msc</code> for your user only) › Trusted Root Certification Authorities › Certificates › All Tasks › Import.)</li>
</ol>
<p>Or in an administrator prompt:</p>
<pre>certutil -addstore -f Root root.cer</pre>
</details>

<details id="linux">
<summary>Linux</summary>
<p>Debian, Ubuntu:</p>
<pre>sudo cp root.pem /usr/local/share/ca-certificates/localtls-root.crt
sudo update-ca-certificates</pre>
<p>Fedora, RHEL:</p>
<pre>sudo cp root.pem /etc/pki/ca-trust/source/anchors/localtls-root.pem
sudo update-ca-trust</pre>
<p>With localtls installed: <code>sudo localtls trust install-system</code>. Firefox and Chromium keep their own store (NSS): import <code>root.pem</code> in their certificate settings as an authority, or use <code>certutil -A -d sql:$HOME/.pki/nssdb -t C,, -n localtls -i root.pem</code>. Node.js programs: <code>NODE_EXTRA_CA_CERTS=root.pem</code>.</p>
</details>

<h2>Open this page on another device</h2>
<div class="qr">${qrSvg(options.url)}</div>
<p><a href="${url}">${url}</a></p>
</main>
</body>
</html>
`;
}

/** Escapes text for HTML content and attribute values. */
function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
