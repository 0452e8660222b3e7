import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostToSan, hostsToSans, hostMatchesSans } from '../../src/index.js';
import { throwsWithCode } from '../helpers/assert-error.js';

test('DNS names are lowercased, lose one trailing dot, and become A-labels', () => {
  assert.deepEqual(hostToSan('Listener-Name.LOCAL.'), { type: 'dns', value: 'listener-name.local' });
  assert.deepEqual(hostToSan('bücher.local'), { type: 'dns', value: 'xn--bcher-kva.local' });
  assert.deepEqual(hostToSan('*.shop.local'), { type: 'dns', value: '*.shop.local' });
});

test('IPv4 and IPv6 become canonical iPAddress SANs', () => {
  assert.deepEqual(hostToSan('192.168.1.20'), { type: 'ip', value: '192.168.1.20' });
  assert.deepEqual(hostToSan('::1'), { type: 'ip', value: '::1' });
  assert.deepEqual(hostToSan('[0:0:0:0:0:0:0:1]'), { type: 'ip', value: '::1' });
  assert.deepEqual(hostToSan('FE80:0:0:0:0:0:0:1'), { type: 'ip', value: 'fe80::1' });
  assert.deepEqual(hostToSan('2001:db8:0:0:1:0:0:1'), { type: 'ip', value: '2001:db8::1:0:0:1' });
  assert.deepEqual(hostToSan('::ffff:10.0.0.1'), { type: 'ip', value: '::ffff:a00:1' });
});

test('invalid host strings are refused with INVALID_HOST naming the string', () => {
  for (const bad of ['', 'a..b', '-bad.local', 'bad-.local', 'foo.*.local', 'a*.local', '*', 'has space.local', 'x'.repeat(64) + '.local',
    'foo\u3002bar.local', '10.0.0.256', '1.2.3', 'fe80::1%eth0', 'a/b', 'user@host']) {
    const error = throwsWithCode(() => hostToSan(bad), 'INVALID_HOST');
    assert.match(error.message, /expected a DNS name/);
  }
  throwsWithCode(() => hostToSan(42 as unknown as string), 'INVALID_HOST');
});

test('hostsToSans drops duplicates after normalisation and refuses an empty list', () => {
  assert.deepEqual(hostsToSans(['A.local', 'a.local.', '127.0.0.1']), [{ type: 'dns', value: 'a.local' }, { type: 'ip', value: '127.0.0.1' }]);
  throwsWithCode(() => hostsToSans([]), 'INVALID_OPTION');
});

test('RFC 6125 matching: SAN only, wildcard on one whole leftmost label, IPs only against iPAddress', () => {
  const sans = [{ type: 'dns', value: '*.example.local' }, { type: 'dns', value: 'listener-name.local' }, { type: 'ip', value: '::1' }, { type: 'dns', value: '10.0.0.3' }] as const;
  assert.equal(hostMatchesSans('LISTENER-NAME.local.', sans), true);
  assert.equal(hostMatchesSans('a.example.local', sans), true);
  assert.equal(hostMatchesSans('a.b.example.local', sans), false);
  assert.equal(hostMatchesSans('example.local', sans), false);
  assert.equal(hostMatchesSans('foo\u3002bar.example.local', sans), false);
  assert.equal(hostMatchesSans('0:0:0:0:0:0:0:1', sans), true);
  assert.equal(hostMatchesSans('10.0.0.3', sans), false, 'an IP must not match a dNSName SAN');
  assert.equal(hostMatchesSans('', sans), false);
});
