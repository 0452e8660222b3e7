/**
 * Resolver, lookup and browser against a scripted mDNS responder on loopback. Every socket is
 * pinned to 127.0.0.1 (multicast interface and membership), so nothing leaves this machine.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import makeMdns from 'multicast-dns';
import type { Answer, Packet } from 'dns-packet';
import { resolveLocal, createLookup, createResolver, browse, MdnsCache, type LookupAddress } from '../../src/discovery/index.js';
import { rejectsWithCode } from '../helpers/assert-error.js';

const LO = '127.0.0.1';
const responder = makeMdns({ interface: LO, bind: '0.0.0.0', reuseAddr: true, loopback: true } as makeMdns.Options);
await once(responder, 'ready');
after(() => new Promise<void>((resolve) => responder.destroy(() => resolve())));

const zone: Answer[] = [
  { name: 'loop-host.local', type: 'A', ttl: 120, data: '127.0.0.1', flush: true },
  { name: 'loop-host.local', type: 'AAAA', ttl: 120, data: 'fe80::1', flush: true },
  { name: '_orders._tcp.local', type: 'PTR', ttl: 120, data: 'Front Desk._orders._tcp.local' },
  { name: 'Front Desk._orders._tcp.local', type: 'SRV', ttl: 120, data: { target: 'loop-host.local', port: 4433, priority: 0, weight: 0 }, flush: true },
  { name: 'Front Desk._orders._tcp.local', type: 'TXT', ttl: 120, data: ['pk=abcd', 'v=1'], flush: true },
];
let queries = 0;
responder.on('query', (query: Packet) => {
  queries++;
  const names = new Set((query.questions ?? []).map((q) => q.name.toLowerCase()));
  const answers = zone.filter((r) => names.has(r.name.toLowerCase()));
  if (answers.length === 0) return;
  const additionals = zone.filter((r) => !answers.includes(r));
  responder.respond({ answers, additionals });
});

test('resolveLocal: A and AAAA, link-local with scope id, then served from the cache', async () => {
  const cache = new MdnsCache();
  const addrs = await resolveLocal('loop-host.local', { interface: LO, cache, timeout: 2000 });
  assert.deepEqual(addrs.map((a) => a.address), ['127.0.0.1', 'fe80::1%lo']);
  assert.deepEqual(addrs.map((a) => a.family), [4, 6]);
  const before = queries;
  const again = await resolveLocal('LOOP-HOST.local.', { interface: LO, cache });
  assert.equal(again.length, 2);
  assert.equal(queries, before, 'answered from the cache, no query sent');
  const v4 = await resolveLocal('loop-host.local', { interface: LO, cache, family: 4 });
  assert.deepEqual(v4.map((a) => a.address), ['127.0.0.1']);
});

test('unknown name: HOST_NOT_FOUND within the timeout, after one retry', async () => {
  const t = performance.now();
  const before = queries;
  const err = await rejectsWithCode(() => resolveLocal('nobody-here.local', { interface: LO, cache: false, timeout: 600, retryAfter: 200 }), 'HOST_NOT_FOUND');
  const elapsed = performance.now() - t;
  assert.ok(elapsed >= 590 && elapsed < 1200, `failed after ${elapsed} ms`);
  assert.match(err.message, /nobody-here\.local/);
  assert.equal(queries - before, 2, 'the first query and one retry');
});

test('cancelling a query rejects with CANCELLED', async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 50);
  await rejectsWithCode(() => resolveLocal('nobody-else.local', { interface: LO, cache: false, signal: ac.signal }), 'CANCELLED');
});

test('lookup: Node signature, all:true gives every address, single form gives the first; other names go to dns.lookup', async () => {
  const lookup = createLookup({ interface: LO, cache: new MdnsCache() });
  const all = await new Promise<LookupAddress[]>((resolve, reject) => lookup('loop-host.local', { all: true }, (e, a) => (e ? reject(e) : resolve(a as LookupAddress[]))));
  assert.deepEqual(all, [{ address: '127.0.0.1', family: 4 }, { address: 'fe80::1%lo', family: 6 }]);
  const one = await new Promise<[string, number | undefined]>((resolve, reject) => lookup('loop-host.local', {}, (e, a, f) => (e ? reject(e) : resolve([a as string, f]))));
  assert.deepEqual(one, ['127.0.0.1', 4]);
  const v6 = await new Promise<string>((resolve, reject) => lookup('loop-host.local', 6, (e, a) => (e ? reject(e) : resolve(a as string))));
  assert.equal(v6, 'fe80::1%lo');
  const sys = await new Promise<string>((resolve, reject) => lookup('localhost', { family: 4 }, (e, a) => (e ? reject(e) : resolve(a as string))));
  assert.equal(sys, '127.0.0.1');
  const failed = await new Promise<NodeJS.ErrnoException>((resolve) => createLookup({ interface: LO, cache: false, timeout: 300 })('ghost.local', { all: true }, (e) => resolve(e!)));
  assert.equal(failed.code, 'HOST_NOT_FOUND');
  assert.equal(failed.syscall, 'getaddrinfo');
  const resolver = createResolver({ interface: LO, cache: new MdnsCache() });
  assert.deepEqual(await resolver('loop-host.local'), [{ address: '127.0.0.1', family: 4 }, { address: 'fe80::1%lo', family: 6 }]);
  assert.deepEqual(await resolver('[::1]'), [{ address: '::1', family: 6 }]);
});

test('browse: finds the service with TXT and pin; a goodbye removes it', async () => {
  const cache = new MdnsCache();
  const browser = browse('_orders._tcp', { interface: LO, cache, timeout: 10_000 });
  try {
    const iterator = browser[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    const s = first.value!;
    assert.equal(s.name, 'Front Desk');
    assert.equal(s.host, 'loop-host.local');
    assert.equal(s.port, 4433);
    assert.deepEqual(s.txt, { pk: 'abcd', v: '1' });
    assert.equal(s.pin, 'abcd');
    assert.deepEqual(s.addresses, ['127.0.0.1', 'fe80::1%lo']);
    const down = once(browser, 'down');
    const t = performance.now();
    responder.respond({ answers: [{ name: '_orders._tcp.local', type: 'PTR', ttl: 0, data: 'Front Desk._orders._tcp.local' }] });
    const [gone] = await down;
    assert.equal(gone.name, 'Front Desk');
    assert.ok(performance.now() - t < 2000);
    assert.equal(browser.services.size, 0);
  } finally {
    await browser.close();
  }
  const done = await browser[Symbol.asyncIterator]().next();
  assert.equal(done.done, true, 'iteration ends once closed');
});
