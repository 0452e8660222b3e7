/** Discovery pieces without a network: names, service types, the record cache, TXT, options, pins. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isLocalName, parseServiceType, validateAdvertisedHostName } from '../../src/discovery/local-name.js';
import { MdnsCache } from '../../src/discovery/record-cache.js';
import { parseTxt } from '../../src/discovery/browse.js';
import { advertise, resolveLocal, browse, serviceConnectArgs, servicePinVerifier, isDiscoveredService, type DiscoveredService } from '../../src/discovery/index.js';
import { CertificateAuthority } from '../../src/ca/index.js';
import type { TlsVerifyContext } from '../../src/tls/verify-context.js';
import { rejectsWithCode, throwsWithCode } from '../helpers/assert-error.js';

test('.local names and service types', () => {
  assert.equal(isLocalName('listener-name.local'), true);
  assert.equal(isLocalName('Listener-Name.LOCAL.'), true);
  assert.equal(isLocalName('.local'), false);
  assert.equal(isLocalName('local'), false);
  assert.equal(isLocalName('example.com'), false);
  assert.equal(validateAdvertisedHostName('Listener-Name.local', 'x'), 'listener-name.local');
  throwsWithCode(() => validateAdvertisedHostName('a.b.local', 'x'), 'INVALID_OPTION');
  throwsWithCode(() => validateAdvertisedHostName('-bad.local', 'x'), 'INVALID_OPTION');
  throwsWithCode(() => validateAdvertisedHostName('name.lan', 'x'), 'INVALID_OPTION');
  assert.deepEqual(parseServiceType('_orders._tcp'), { name: 'orders', protocol: 'tcp', fqdn: '_orders._tcp.local' });
  assert.deepEqual(parseServiceType('_Orders._UDP.local.'), { name: 'orders', protocol: 'udp', fqdn: '_orders._udp.local' });
  for (const bad of ['orders._tcp', '_orders', '_orders._sctp', '_this-is-far-too-long._tcp', '_a--b._tcp', '']) {
    throwsWithCode(() => parseServiceType(bad), 'INVALID_OPTION');
  }
});

test('cache: TTL expiry, goodbye, cache-flush, link-local scope, order', () => {
  let now = 1_000_000;
  const cache = new MdnsCache(() => now);
  cache.addAnswers([
    { name: 'A.local', type: 'A', ttl: 10, data: '10.0.0.2' },
    { name: 'a.local', type: 'AAAA', ttl: 10, data: 'fe80::1' },
    { name: 'a.local', type: 'AAAA', ttl: 10, data: 'fd00::2' },
  ], () => 'eth0');
  assert.deepEqual(cache.addresses('a.local').map((a) => a.address), ['10.0.0.2', 'fd00::2', 'fe80::1%eth0']);
  // link-local without a known interface is dropped: it could not be dialled
  cache.addAnswers([{ name: 'b.local', type: 'AAAA', ttl: 10, data: 'fe80::2' }], () => undefined);
  assert.deepEqual(cache.addresses('b.local'), []);
  // goodbye
  cache.addAnswers([{ name: 'a.local', type: 'AAAA', ttl: 0, data: 'fd00::2' }]);
  assert.deepEqual(cache.addresses('a.local').map((a) => a.address), ['10.0.0.2', 'fe80::1%eth0']);
  // expiry
  now += 10_001;
  assert.deepEqual(cache.addresses('a.local'), []);
  // cache-flush replaces records older than a second
  cache.addAnswers([{ name: 'c.local', type: 'A', ttl: 120, data: '10.0.0.3' }]);
  now += 2000;
  cache.addAnswers([{ name: 'c.local', type: 'A', ttl: 120, data: '10.0.0.4', flush: true }]);
  assert.deepEqual(cache.addresses('c.local').map((a) => a.address), ['10.0.0.4']);
  // TTLs are clamped to a day
  cache.addAnswers([{ name: 'd.local', type: 'A', ttl: 2 ** 31, data: '10.0.0.5' }]);
  assert.equal(cache.addresses('d.local')[0]!.ttl, 86_400);
});

test('TXT parsing: key=value, bare keys, first wins, case-insensitive keys', () => {
  assert.deepEqual(parseTxt(['pk=abc=', 'V=1', 'v=2', 'flag', '', '=x']), { pk: 'abc=', v: '1', flag: '' });
});

test('option validation happens before any packet is sent', async () => {
  await rejectsWithCode(() => resolveLocal('example.com'), 'INVALID_HOST');
  await rejectsWithCode(() => resolveLocal('a.local', { timeout: 5 }), 'INVALID_OPTION');
  await rejectsWithCode(() => resolveLocal('a.local', { bogus: 1 } as never), 'INVALID_OPTION');
  await rejectsWithCode(() => resolveLocal('a.local', { interface: 'no-such-if0' }), 'INVALID_OPTION');
  throwsWithCode(() => browse('orders'), 'INVALID_OPTION');
  throwsWithCode(() => browse('_orders._tcp', { timeout: 1 }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 0 }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.example.com' }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', service: { type: 'orders', name: 'x' } }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', service: { type: '_orders._tcp', name: '' } }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', service: { type: '_orders._tcp', name: 'x', txt: { 'a=b': '1' } } }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', service: { type: '_orders._tcp', name: 'x', txt: { k: 'v'.repeat(300) } } }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', interfaces: ['no-such-if0'] }), 'INVALID_OPTION');
  throwsWithCode(() => advertise({ port: 4433 }, { hostName: 'x.local', pin: 'yes' as never }), 'INVALID_OPTION');
});

test('a discovered service: connect arguments and the pin verifier (pin AND the normal policy)', async () => {
  const ca = await CertificateAuthority.create({ commonName: 'Pin CA' });
  const good = await ca.issue({ hosts: ['listener-name.local'] });
  const other = await ca.issue({ hosts: ['listener-name.local'] });
  const service: DiscoveredService = {
    name: 'Front Desk', type: '_orders._tcp', fqdn: 'Front Desk._orders._tcp.local', host: 'listener-name.local', port: 4433,
    addresses: ['10.0.0.2'], txt: { pk: good.certificate.spkiSha256.base64 }, pin: good.certificate.spkiSha256.base64,
  };
  assert.equal(isDiscoveredService(service), true);
  assert.equal(isDiscoveredService({ host: 'x' }), false);
  const args = serviceConnectArgs(service, { trustRoots: ['x'] });
  assert.deepEqual(args.options.trustRoots, ['x']);
  assert.equal(args.host, 'listener-name.local');
  assert.equal(args.port, 4433);
  assert.equal(typeof args.options.verify, 'function');
  assert.equal(serviceConnectArgs(service, { pin: false }).options.verify, undefined);

  let evaluated = 0;
  const ctx = (leaf: typeof good) => ({ peerCertificates: [leaf.certificate], evaluate: async () => { evaluated++; return { trusted: true } as never; } }) as unknown as TlsVerifyContext;
  const verify = servicePinVerifier(service);
  const accepted = await verify(ctx(good));
  assert.deepEqual(accepted, { trusted: true });
  assert.equal(evaluated, 1, 'a matching pin still runs the normal policy (chain + name)');
  const refused = await verify(ctx(other)) as { trusted: boolean; error?: { code: string } };
  assert.equal(refused.trusted, false);
  assert.equal(refused.error?.code, 'PIN_MISMATCH');
  assert.equal(evaluated, 1, 'a wrong pin is refused without further evaluation');
});
