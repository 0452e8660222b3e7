/** The enrollment server over HTTP (node's fetch): resources, types, methods, options. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { parse as parsePlist } from 'plist';
import { CertificateAuthority, Certificate } from '../../src/index.js';
import { startEnrollServer } from '../../src/cli/enroll/enroll-server.js';
import { rejectsWithCode } from '../helpers/assert-error.js';

const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
const server = await startEnrollServer({ certificate: ca.certificate, host: '127.0.0.1', port: 0 });
after(() => server.close());

const get = (path: string, init: RequestInit = {}): Promise<Response> =>
  fetch(new URL(path, server.url), { ...init, signal: AbortSignal.timeout(5000) });

/** A raw request (fetch refuses some methods, such as TRACE). */
function raw(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, method, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject).end();
  });
}

test('url and port: 127.0.0.1 and the bound port', () => {
  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
});

test('/ is the HTML page with a script-free CSP', async () => {
  const res = await get('/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /script-src/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script/i);
  assert.ok(html.includes(server.url));
});

test('downloads: exact bytes and content types', async () => {
  const cer = await get('/root.cer');
  assert.equal(cer.status, 200);
  assert.equal(cer.headers.get('content-type'), 'application/x-x509-ca-cert');
  assert.deepEqual(new Uint8Array(await cer.arrayBuffer()), ca.certificate.toDER());

  const pem = await get('/root.pem');
  assert.equal(pem.headers.get('content-type'), 'application/x-pem-file');
  const pemText = await pem.text();
  assert.equal(pemText, ca.certificate.toPEM());
  assert.equal(Certificate.from(pemText).fingerprintSha256, ca.certificate.fingerprintSha256);

  const profile = await get('/root.mobileconfig?x=1');
  assert.equal(profile.headers.get('content-type'), 'application/x-apple-aspen-config');
  const parsed = parsePlist(await profile.text()) as { PayloadContent: { PayloadType: string; PayloadContent: Uint8Array }[] };
  assert.equal(parsed.PayloadContent[0]!.PayloadType, 'com.apple.security.root');
  assert.deepEqual(new Uint8Array(parsed.PayloadContent[0]!.PayloadContent), ca.certificate.toDER());
});

test('no private material is ever served', async () => {
  for (const path of ['/', '/root.cer', '/root.pem', '/root.mobileconfig']) {
    const body = Buffer.from(await (await get(path)).arrayBuffer()).toString('latin1');
    assert.doesNotMatch(body, /PRIVATE KEY/, path);
  }
});

test('404 for every other path, including look-alikes and traversal', async () => {
  for (const path of ['/index.html', '/root.key', '/ca.key', '/root.cer/', '/../root.cer', '/%2e%2e/etc/passwd', '/favicon.ico', '//root.cer']) {
    const res = await raw('GET', path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /BEGIN CERTIFICATE/);
  }
});

test('HEAD: headers and length without a body; other methods: 405 with Allow', async () => {
  const head = await get('/root.cer', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(ca.certificate.toDER().length));
  assert.equal((await head.arrayBuffer()).byteLength, 0);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
    const res = await get('/', { method });
    assert.equal(res.status, 405, method);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
    await res.arrayBuffer();
  }
  assert.equal((await raw('TRACE', '/')).status, 405);
});

test('options are checked: a CA object, a missing host, a bad port, a leaf certificate', async () => {
  await rejectsWithCode(() => startEnrollServer({ certificate: ca as unknown as Certificate, host: '127.0.0.1' }), 'INVALID_OPTION');
  await rejectsWithCode(() => startEnrollServer({ certificate: ca.certificate, host: '' }), 'INVALID_OPTION');
  await rejectsWithCode(() => startEnrollServer({ certificate: ca.certificate, host: '127.0.0.1', port: 70000 }), 'INVALID_OPTION');
  const leaf = await ca.issue({ hosts: ['listener-name.local'] });
  await rejectsWithCode(() => startEnrollServer({ certificate: leaf.certificate, host: '127.0.0.1' }), 'NOT_A_CA');
});

test('a port in use is ADDRESS_IN_USE; publicUrl overrides the URL shown', async () => {
  await rejectsWithCode(() => startEnrollServer({ certificate: ca.certificate, host: '127.0.0.1', port: server.port }), 'ADDRESS_IN_USE');
  const other = await startEnrollServer({ certificate: ca.certificate, host: '127.0.0.1', publicUrl: 'http://front-desk.local:8080/' });
  try {
    assert.equal(other.url, 'http://front-desk.local:8080/');
    const html = await (await fetch(`http://127.0.0.1:${other.port}/`, { signal: AbortSignal.timeout(5000) })).text();
    assert.ok(html.includes('http://front-desk.local:8080/'));
  } finally {
    await other.close();
    await other.close(); // idempotent
  }
});
