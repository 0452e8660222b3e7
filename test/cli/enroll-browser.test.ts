/**
 * The enrollment page in headless Chromium (Debian's chromium, installed by .ci/run), driven by
 * playwright-core with JavaScript disabled and a phone-sized viewport. Writes
 * test-artifacts/enroll.png.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CertificateAuthority } from '../../src/index.js';
import { startEnrollServer, type EnrollServer } from '../../src/cli/enroll/enroll-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
let server: EnrollServer | undefined;
let context: BrowserContext | undefined;
let page: Page;
let profile: { dir: string; cleanup: () => Promise<void> } | undefined;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)=1`);
  server = await startEnrollServer({ certificate: ca.certificate, host: '127.0.0.1', port: 0 });
  profile = await makeTempDir('localtls-chromium-');
  // A fresh --user-data-dir (playwright passes the directory as that flag).
  context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 30_000,
    javaScriptEnabled: false,
    acceptDownloads: true,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  context.setDefaultTimeout(10_000);
  page = context.pages()[0] ?? await context.newPage();
  const response = await page.goto(server.url, { waitUntil: 'load' });
  assert.equal(response?.status(), 200);
}, { timeout: 60_000 });

after(async () => {
  try {
    await context?.close();
  } finally {
    await server?.close();
    await profile?.cleanup();
  }
}, { timeout: 30_000 });

test('the page shows the CA name and the root\'s SHA-256 fingerprint, grouped by 4', { timeout: 30_000 }, async () => {
  assert.equal(await page.title(), 'Install Front Desk CA');
  assert.equal(await page.locator('#ca-name').innerText(), 'Front Desk CA');
  const shown = await page.locator('#fingerprint').innerText();
  const groups = shown.split(/\s+/).filter(Boolean);
  assert.equal(groups.length, 16);
  assert.ok(groups.every((g) => /^[0-9A-F]{4}$/.test(g)), shown);
  assert.equal(groups.join(''), ca.certificate.fingerprintSha256.replace(/:/g, ''));
  assert.equal(await page.locator('#fingerprint').getAttribute('data-sha256'), ca.certificate.fingerprintSha256);
});

test('no script, a viewport meta, an inline SVG QR code, steps for every platform, readable on a phone', { timeout: 30_000 }, async () => {
  assert.equal(await page.locator('script').count(), 0);
  assert.equal(await page.locator('meta[name="viewport"]').getAttribute('content'), 'width=device-width, initial-scale=1');
  assert.equal(await page.locator('.qr svg').count(), 1);
  const qr = await page.locator('.qr svg').boundingBox();
  assert.ok(qr && qr.width >= 150 && qr.width <= 390, `QR code size ${JSON.stringify(qr)}`);
  for (const id of ['ios', 'android', 'macos', 'windows', 'linux']) assert.equal(await page.locator(`details#${id} summary`).count(), 1, id);
  assert.match(await page.locator('#ios').innerText(), /Certificate Trust Settings/);
  // Closed <details> open without JavaScript.
  await page.locator('#android summary').click();
  assert.match(await page.locator('#android').innerText(), /network security config/);
  // Nothing wider than the phone's screen forces sideways scrolling of the page itself.
  const body = await page.locator('main').boundingBox();
  assert.ok(body && body.x >= 0 && body.x + body.width <= 390 + 1, `main box ${JSON.stringify(body)}`);
  assert.ok(await page.locator('#fingerprint').boundingBox().then((b) => b !== null && b.x + b.width <= 390 + 1));
});

test('the browser downloads root.cer and root.pem with the root\'s exact bytes', { timeout: 30_000 }, async () => {
  for (const [id, expected] of [['#dl-cer', Buffer.from(ca.certificate.toDER())], ['#dl-pem', Buffer.from(ca.certificate.toPEM())]] as const) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(id).click()]);
    const path = await download.path();
    assert.deepEqual(await readFile(path), expected, id);
  }
});

test('a full-page screenshot is written to test-artifacts/enroll.png', { timeout: 30_000 }, async () => {
  await page.goto(server!.url, { waitUntil: 'load' });
  await mkdir('test-artifacts', { recursive: true });
  await page.screenshot({ path: 'test-artifacts/enroll.png', fullPage: true });
  const png = await readFile('test-artifacts/enroll.png');
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok((await stat('test-artifacts/enroll.png')).size > 10_000);
});
