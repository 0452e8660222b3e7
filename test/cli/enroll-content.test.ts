/** Unit tests of the enrollment content: the .mobileconfig, the page, QR codes, fingerprint groups. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parsePlist } from 'plist';
import { CertificateAuthority } from '../../src/index.js';
import { rootMobileconfig, profileIdentifier } from '../../src/cli/enroll/mobileconfig.js';
import { renderEnrollPage, fingerprintGroups } from '../../src/cli/enroll/enroll-page.js';
import QRCode from 'qrcode';
import { qrSvg, terminalQr } from '../../src/cli/enroll/qr.js';
import { throwsWithCode } from '../helpers/assert-error.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk <CA> & "Co"' });
const root = ca.certificate;
const UUID_V4 = /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;

type Dict = Record<string, unknown>;

test('the .mobileconfig is a Configuration profile wrapping one com.apple.security.root payload with the root\'s DER', () => {
  const text = rootMobileconfig(root, { organization: 'Front Desk' });
  const parsed = parsePlist(text) as Dict;
  assert.equal(parsed.PayloadType, 'Configuration');
  assert.equal(parsed.PayloadVersion, 1);
  assert.equal(parsed.PayloadOrganization, 'Front Desk');
  assert.equal(parsed.PayloadDisplayName, 'Front Desk <CA> & "Co" (localtls root)');
  assert.equal(parsed.PayloadRemovalDisallowed, false);
  const hex = root.fingerprintSha256.replace(/:/g, '').toLowerCase();
  assert.equal(parsed.PayloadIdentifier, `org.localtls.root.${hex}`);
  assert.equal(profileIdentifier(root), parsed.PayloadIdentifier);
  const content = parsed.PayloadContent as Dict[];
  assert.equal(content.length, 1);
  const payload = content[0]!;
  assert.equal(payload.PayloadType, 'com.apple.security.root');
  assert.equal(payload.PayloadVersion, 1);
  assert.equal(payload.PayloadIdentifier, `org.localtls.root.${hex}.certificate`);
  assert.ok(payload.PayloadContent instanceof Uint8Array, "PayloadContent is <data>");
  assert.deepEqual(new Uint8Array(payload.PayloadContent as Uint8Array), root.toDER());
  assert.match(String(parsed.PayloadUUID), UUID_V4);
  assert.match(String(payload.PayloadUUID), UUID_V4);
  assert.notEqual(parsed.PayloadUUID, payload.PayloadUUID);
  assert.doesNotMatch(text, /PRIVATE KEY/);
});

test('every .mobileconfig gets fresh UUIDs; the identifier stays the same for the same root', () => {
  const a = parsePlist(rootMobileconfig(root)) as Dict;
  const b = parsePlist(rootMobileconfig(root)) as Dict;
  assert.notEqual(a.PayloadUUID, b.PayloadUUID);
  assert.notEqual((a.PayloadContent as Dict[])[0]!.PayloadUUID, (b.PayloadContent as Dict[])[0]!.PayloadUUID);
  assert.equal(a.PayloadIdentifier, b.PayloadIdentifier);
});

test('the .mobileconfig refuses a leaf certificate (NOT_A_CA) and bad option values (INVALID_OPTION)', async () => {
  const leaf = await ca.issue({ hosts: ['listener-name.local'] });
  throwsWithCode(() => rootMobileconfig(leaf.certificate), 'NOT_A_CA');
  throwsWithCode(() => rootMobileconfig(root, { displayName: ' ' }), 'INVALID_OPTION');
  // PEM and DER input are accepted too.
  assert.ok(parsePlist(rootMobileconfig(root.toPEM())));
});

test('fingerprints are grouped in 4 hex characters for reading aloud', () => {
  assert.deepEqual(fingerprintGroups('ab:cd:ef:01:23:45'), ['ABCD', 'EF01', '2345']);
  const groups = fingerprintGroups(root.fingerprintSha256);
  assert.equal(groups.length, 16);
  assert.equal(groups.join(''), root.fingerprintSha256.replace(/:/g, ''));
});

test('the page: CA name escaped, fingerprint in groups, relative download links, steps per platform, no script', () => {
  const page = renderEnrollPage(root, { url: 'http://192.168.1.20:8080/?a=<b>' });
  assert.match(page, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.doesNotMatch(page, /<script/i);
  assert.doesNotMatch(page, /\son[a-z]+=/i, 'no inline event handlers');
  assert.doesNotMatch(page, /Front Desk <CA>/, 'the CA name is escaped');
  assert.match(page, /Front Desk &lt;CA&gt; &amp; &quot;Co&quot;/);
  assert.doesNotMatch(page, /\?a=<b>/, 'the URL is escaped');
  for (const group of fingerprintGroups(root.fingerprintSha256)) assert.ok(page.includes(`<span>${group}</span>`));
  for (const href of ['root.cer', 'root.pem', 'root.mobileconfig']) assert.ok(page.includes(`href="${href}"`));
  for (const id of ['ios', 'android', 'macos', 'windows', 'linux']) assert.ok(page.includes(`id="${id}"`), id);
  assert.match(page, /Settings › General › About › <strong>Certificate Trust Settings<\/strong>/);
  assert.match(page, /network security config/);
  assert.match(page, /certutil -addstore -f Root root\.cer/);
  assert.match(page, /security add-trusted-cert -d -r trustRoot/);
  assert.match(page, /update-ca-certificates/);
  assert.match(page, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.doesNotMatch(page, /https?:\/\/(?!192\.168\.1\.20|www\.w3\.org)/, 'no external references');
});

test('QR codes: SVG with a path and a title; terminal rendering with and without colour', () => {
  const svg = qrSvg('http://127.0.0.1:8080/');
  assert.match(svg, /^<svg [^>]*viewBox="0 0 (\d+) \1"/);
  assert.match(svg, /<path fill="#000" d="M\d/);
  assert.match(svg, /<title>http:\/\/127\.0\.0\.1:8080\/<\/title>/);
  const coloured = terminalQr('http://127.0.0.1:8080/');
  assert.match(coloured, /\x1b\[47m/);
  const plain = terminalQr('http://127.0.0.1:8080/', { color: false });
  assert.doesNotMatch(plain, /\x1b/);
  const lines = plain.trimEnd().split('\n');
  assert.ok(lines.length > 10 && lines.every((line) => line.length === lines[0]!.length));
  assert.throws(() => qrSvg(''), TypeError);
});

/** The module matrix of `text`, as the qrcode package builds it (row-major booleans). */
function matrixOf(text: string): boolean[][] {
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  return Array.from({ length: modules.size }, (_, r) => Array.from({ length: modules.size }, (_, c) => modules.get(r, c) === 1));
}

test('the SVG and terminal QR codes draw exactly the symbol\'s modules, with a quiet zone', () => {
  const text = 'http://192.168.1.20:8080/';
  const expected = matrixOf(text);
  const size = expected.length;

  // SVG: each run "M{x} {y}h{n}v1h-{n}z" paints n dark modules; offset by the 4-module quiet zone.
  const svg = qrSvg(text);
  const fromSvg = expected.map((row) => row.map(() => false));
  for (const m of svg.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    const [x, y, n] = [Number(m[1]) - 4, Number(m[2]) - 4, Number(m[3])];
    for (let i = 0; i < n; i++) fromSvg[y]![x + i] = true;
  }
  assert.deepEqual(fromSvg, expected);
  assert.match(svg, new RegExp(`viewBox="0 0 ${size + 8} ${size + 8}"`));

  // Terminal without colour: light modules are ink; two rows per line; 4-module quiet zone.
  const lines = terminalQr(text, { color: false }).trimEnd().split('\n');
  const rows: boolean[][] = [];
  for (const line of lines) {
    const chars = [...line];
    rows.push(chars.map((ch) => ch === '█' || ch === '▀'));
    rows.push(chars.map((ch) => ch === '█' || ch === '▄'));
  }
  const fromTerminal = expected.map((row, r) => row.map((_, c) => !rows[r + 4]![c + 4]));
  assert.deepEqual(fromTerminal, expected);
  assert.ok(rows.slice(0, 4).every((row) => row.every(Boolean)), 'quiet zone on top is light');

  // Terminal with colour: dark modules are ink (black on white); 2-module quiet zone.
  const colourRows: boolean[][] = [];
  for (const line of terminalQr(text).trimEnd().split('\n')) {
    const chars = [...line.replace(/\x1b\[[0-9;]*m/g, '')];
    colourRows.push(chars.map((ch) => ch === '█' || ch === '▀'));
    colourRows.push(chars.map((ch) => ch === '█' || ch === '▄'));
  }
  assert.deepEqual(expected.map((row, r) => row.map((_, c) => colourRows[r + 2]![c + 2])), expected);
});
