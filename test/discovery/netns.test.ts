/**
 * Acceptance tests for local names across two hosts (network namespaces joined by a veth pair):
 * advertise + resolve + connect by name, browse with TXT, goodbye on stop, NAME_CONFLICT, and an
 * unknown name failing within its timeout without holding the thread pool.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CertificateAuthority } from '../../src/ca/index.js';
import { Agent, createTwoHosts, netnsSkipReason, type AgentEvent, type TwoHosts } from './netns.js';

const skip = netnsSkipReason();
if (skip) console.log(`# discovery netns tests skipped: ${skip}`);

describe('local names across two network namespaces', { skip }, () => {
  let hosts: TwoHosts;
  const agents: Agent[] = [];
  const start = async (which: 'a' | 'b', env?: Record<string, string>): Promise<Agent> => {
    const agent = new Agent(hosts[which], env);
    agents.push(agent);
    await agent.waitFor((e) => e.event === 'started', 10_000);
    return agent;
  };
  let ca: CertificateAuthority;
  let pem: { certificatePem: string; keyPem: string };
  let spki: string;

  before(async () => {
    hosts = createTwoHosts('n');
    ca = await CertificateAuthority.create({ commonName: 'Front Desk CA' });
    const identity = await ca.issue({ hosts: ['listener-name.local'] });
    pem = identity.toPEM();
    spki = identity.certificate.spkiSha256.base64;
  });

  after(async () => {
    try {
      await Promise.allSettled(agents.map((a) => a.close()));
    } finally {
      hosts?.destroy();
    }
  });

  test('createListener({ advertise }): resolved and connected to by name from the other host (TLS 1.3, verified against the name); browse sees it and its goodbye', async () => {
    const server = await start('a');
    const client = await start('b');
    const browseId = client.send({ op: 'browse', type: '_orders._tcp', timeout: 30_000 });
    const served = await server.request({
      op: 'serve', ...pem, hostName: 'listener-name.local', waitAnnounced: true,
      service: { type: '_orders._tcp', name: 'Front Desk', txt: { v: '1' } },
    }, 15_000);
    assert.equal((served.txt as Record<string, string>).pk, spki);
    assert.deepEqual(served.interfaces, [hosts.a.iface], 'the @ifN veth is passed to ciao explicitly');

    const resolved = await client.request({ op: 'resolve', name: 'listener-name.local', timeout: 3000 });
    assert.equal(resolved.error, undefined, JSON.stringify(resolved.error));
    const addresses = resolved.addresses as { address: string; family: number }[];
    assert.ok(addresses.some((a) => a.address === hosts.a.address && a.family === 4), JSON.stringify(addresses));
    const linkLocal = addresses.filter((a) => a.address.startsWith('fe80'));
    assert.ok(linkLocal.length > 0, 'IPv6 link-local answers are returned');
    for (const a of linkLocal) assert.match(a.address, new RegExp(`%${hosts.b.iface}$`), 'link-local IPv6 carries the scope id of the receiving interface');

    const conn = await client.request({ op: 'connect', host: 'listener-name.local', port: served.port, ca: ca.certificate.toPEM() }, 15_000);
    assert.equal(conn.error, undefined, JSON.stringify(conn.error));
    assert.equal(conn.protocol, 'TLSv1.3');
    assert.equal(conn.serverName, 'listener-name.local');
    assert.equal(conn.data, 'hello from listener-name.local\n');

    const up = await client.waitFor((e) => e.event === 'up' && e.browse === browseId && (e.service as { name: string }).name === 'Front Desk', 10_000);
    const service = up.service as { host: string; port: number; txt: Record<string, string>; pin: string; addresses: string[]; type: string };
    assert.equal(service.host, 'listener-name.local');
    assert.equal(service.port, served.port);
    assert.equal(service.type, '_orders._tcp');
    assert.equal(service.txt.v, '1');
    assert.equal(service.pin, spki);
    assert.ok(service.addresses.includes(hosts.a.address));

    const viaService = await client.request({ op: 'connect-service', type: '_orders._tcp', name: 'Front Desk', ca: ca.certificate.toPEM() }, 15_000);
    assert.equal(viaService.error, undefined, JSON.stringify(viaService.error));
    assert.equal(viaService.pin, spki);
    assert.equal(viaService.data, 'hello from listener-name.local\n');

    const stopAt = performance.now();
    await server.request({ op: 'cancel-listener', listener: served.ad });
    await client.waitFor((e) => e.event === 'down' && e.browse === browseId && (e.service as { name: string }).name === 'Front Desk', 2000);
    assert.ok(performance.now() - stopAt < 2000, 'removed from the browser within 2 s');
    await client.request({ op: 'close-browse', browse: browseId });
  });

  test('mDNS answers are not trusted: a certificate without the name is refused, and a wrong advertised pk refuses connect(service)', async () => {
    const server = await start('a');
    const client = await start('b');
    const other = await ca.issue({ hosts: ['till.local'] });
    const served = await server.request({ op: 'serve-plain', ...other.toPEM(), hostName: 'mismatch-name.local', waitAnnounced: true, service: { type: '_orders._tcp', name: 'Till' } }, 15_000);
    const conn = await client.request({ op: 'connect', host: 'mismatch-name.local', port: served.port, ca: ca.certificate.toPEM() }, 15_000);
    const refused = conn.error as { code: string; message: string };
    assert.equal(refused.code, 'CERTIFICATE_VERIFY_FAILED', JSON.stringify(refused));
    assert.match(refused.message, /mismatch-name\.local/, 'the refusal names the dialled host');
    const plain = await client.request({ op: 'connect-plain', host: 'mismatch-name.local', port: served.port, ca: ca.certificate.toPEM() }, 15_000);
    assert.equal((plain.error as { code: string }).code, 'ERR_TLS_CERT_ALTNAME_INVALID');

    // A listener whose TXT pk names another key: the certificate is fine for the name, the pin is not.
    const liar = await ca.issue({ hosts: ['pinned-name.local'] });
    await server.request({ op: 'serve-plain', ...liar.toPEM(), hostName: 'pinned-name.local', waitAnnounced: true, pin: false, service: { type: '_orders._tcp', name: 'Pinned', txt: { pk: spki } } }, 15_000);
    const pinned = await client.request({ op: 'connect-service', type: '_orders._tcp', name: 'Pinned', ca: ca.certificate.toPEM() }, 15_000);
    // the transport reports a refusing verify hook as CERTIFICATE_VERIFY_FAILED, with the verdict's code in the message
    const pinError = pinned.error as { code: string; message: string };
    assert.equal(pinError.code, 'CERTIFICATE_VERIFY_FAILED', JSON.stringify(pinError));
    assert.match(pinError.message, /PIN_MISMATCH/);
    const unpinned = await client.request({ op: 'connect-service', type: '_orders._tcp', name: 'Pinned', ca: ca.certificate.toPEM(), pin: false }, 15_000);
    assert.equal(unpinned.error, undefined, JSON.stringify(unpinned.error));
  });

  test('two listeners claiming the same host name: the second reports NAME_CONFLICT; a SAN without the name warns', async () => {
    const first = await start('a');
    const second = await start('b');
    await first.request({ op: 'serve', ...pem, hostName: 'dup-name.local', waitAnnounced: true, service: { type: '_orders._tcp', name: 'Orders A' } }, 15_000);
    const warning = await first.waitFor((e) => e.event === 'ad-warning', 5000);
    assert.equal(warning.code, 'HOSTNAME_MISMATCH', 'the identity names listener-name.local, not dup-name.local');
    const t = performance.now();
    await second.request({ op: 'serve', ...pem, hostName: 'dup-name.local', service: { type: '_orders._tcp', name: 'Orders B' } }, 15_000);
    const failed: AgentEvent = await second.waitFor((e) => e.event === 'ad-state' && e.state !== 'probing', 15_000);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.code, 'NAME_CONFLICT');
    assert.match(String(failed.message), /dup-name\.local/);
    const listenerFailed = await second.waitFor((e) => e.event === 'listener-state' && e.state === 'failed', 5000);
    assert.equal(listenerFailed.code, 'NAME_CONFLICT', 'the listener fails with NAME_CONFLICT');
    assert.ok(performance.now() - t < 15_000);
    assert.ok(!first.events.some((e) => (e.event === 'ad-state' || e.event === 'listener-state') && e.state === 'failed'), 'the first keeps its name');
  });

  test('an unknown .local name fails with HOST_NOT_FOUND within the timeout; thread-pool work is unaffected', async () => {
    const client = await start('b', { UV_THREADPOOL_SIZE: '1' });
    const reply = await client.request({ op: 'threadpool', names: ['nobody-1.local', 'nobody-2.local', 'nobody-3.local', 'nobody-4.local'], timeout: 1500 }, 10_000);
    assert.equal(reply.threadpool, '1');
    for (const l of reply.lookups as { ok: boolean; code: string; elapsed: number }[]) {
      assert.equal(l.ok, false);
      assert.equal(l.code, 'HOST_NOT_FOUND');
      assert.ok(l.elapsed >= 1400 && l.elapsed < 2500, `failed after ${l.elapsed} ms (timeout 1500)`);
    }
    const { baseline, workElapsed } = reply as unknown as { baseline: number; workElapsed: number };
    assert.ok(workElapsed < baseline + 500 && workElapsed < 1400, `pbkdf2 + fs work took ${workElapsed} ms while lookups were pending (${baseline} ms alone)`);
  });
});
