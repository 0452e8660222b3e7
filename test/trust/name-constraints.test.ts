/** Name-constraint matching rules (RFC 5280 §4.2.1.10, Go crypto/x509 behaviour). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directoryWithin, dnsWithin, emailWithin, uriWithin } from '../../src/trust/name-constraints.js';
import { Certificate } from '../../src/cert/certificate.js';
import { pem } from './vectors.js';

test('DNS: a constraint covers the name and its subdomains; a leading dot only subdomains', () => {
  assert.equal(dnsWithin('example.local', 'example.local'), true);
  assert.equal(dnsWithin('a.b.example.local', 'example.local'), true);
  assert.equal(dnsWithin('badexample.local', 'example.local'), false);
  assert.equal(dnsWithin('example.local', '.example.local'), false);
  assert.equal(dnsWithin('a.example.local', '.example.local'), true);
  assert.equal(dnsWithin('A.Example.Local.', 'example.local'), true);
  assert.equal(dnsWithin('anything.test', ''), true);
  assert.equal(dnsWithin('*.example.local', 'example.local'), true);
  assert.equal(dnsWithin('*.example.local', 'a.example.local'), false);
});

test('email: mailbox, host, or .domain', () => {
  assert.equal(emailWithin('ops@example.local', 'example.local'), true);
  assert.equal(emailWithin('ops@sub.example.local', 'example.local'), false);
  assert.equal(emailWithin('ops@sub.example.local', '.example.local'), true);
  assert.equal(emailWithin('ops@EXAMPLE.local', 'ops@example.local'), true);
  assert.equal(emailWithin('Ops@example.local', 'ops@example.local'), false);
  assert.equal(emailWithin('no-at-sign', 'example.local'), false);
});

test('URI: the host, exact or .domain; IP literals never match', () => {
  assert.equal(uriWithin('https://example.local/x', 'example.local'), true);
  assert.equal(uriWithin('https://a.example.local/x', '.example.local'), true);
  assert.equal(uriWithin('https://a.example.local/x', 'example.local'), false);
  assert.equal(uriWithin('https://10.0.0.1/', '10.0.0.1'), false);
  assert.equal(uriWithin('urn:x', 'example.local'), false);
});

test('directory names: RDN-wise prefix, case-insensitive', () => {
  const nc = Certificate.from(pem('int-nc')).nameConstraints!;
  const base = nc.permitted.find((s) => s.type === 'directory')!.der!;
  assert.equal(directoryWithin(Certificate.from(pem('nc-ok')).subjectDer, base), true);
  assert.equal(directoryWithin(Certificate.from(pem('nc-bad-dirname')).subjectDer, base), false);
  assert.equal(directoryWithin(Certificate.from(pem('root')).subjectDer, base), false);
});
