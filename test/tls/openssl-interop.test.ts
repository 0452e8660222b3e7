import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createListener, ConnectionError, type LocalTlsError } from '../../src/index.js';
import { closeListener, fixtures, freshCache, HOSTS, until } from '../transport/fixtures.js';
import { hostPort, runOpenssl, startSServer, tempDir } from './openssl.js';

for (const address of HOSTS) {
  test(`${address}: openssl s_client -tls1_2 / -tls1_3 with -CAfile and -verify_hostname succeed; -tls1_1 and CBC suites are refused`, async () => {
    const { ca, server } = await fixtures();
    const tmp = tempDir();
    const caFile = tmp.file('ca.pem', ca.certificate.toPEM());
    const listener = createListener({ identity: server, port: 0, host: address });
    const handshakeErrors: string[] = [];
    listener.on('handshakeError', (e: LocalTlsError) => handshakeErrors.push(e.code));
    listener.on('connection', (conn) => { void conn.send('hello from localtls\n', { final: true }); });
    await listener.ready;
    try {
      for (const [flag, expected] of [['-tls1_2', 'TLSv1.2'], ['-tls1_3', 'TLSv1.3']] as const) {
        const r = await runOpenssl(['s_client', '-connect', hostPort(address, listener.port), flag, '-CAfile', caFile, '-verify_hostname', 'listener-name.local', '-servername', 'listener-name.local', '-verify_return_error', '-brief']);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /Verification: OK/);
        assert.match(r.out, new RegExp(`Protocol version: ${expected.replace('.', '\\.')}`));
        if (flag === '-tls1_2') assert.match(r.out, /Ciphersuite: ECDHE-(ECDSA|RSA)-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)/);
      }
      const ip = await runOpenssl(['s_client', '-connect', hostPort(address, listener.port), '-CAfile', caFile, '-verify_ip', address, '-verify_return_error', '-brief']);
      assert.equal(ip.code, 0, ip.out);

      const old = await runOpenssl(['s_client', '-connect', hostPort(address, listener.port), '-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0', '-CAfile', caFile, '-brief']);
      assert.notEqual(old.code, 0);
      assert.match(old.out, /protocol version|unsupported protocol|no protocols available/i);
      const cbc = await runOpenssl(['s_client', '-connect', hostPort(address, listener.port), '-tls1_2', '-cipher', 'ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256:AES128-GCM-SHA256', '-CAfile', caFile, '-brief']);
      assert.notEqual(cbc.code, 0, 'CBC / static-RSA suites must not be accepted');
      assert.ok(handshakeErrors.includes('TLS_VERSION_REFUSED'), `listener reported ${handshakeErrors.join(',')}`);
    } finally {
      await closeListener(listener);
      tmp.cleanup();
    }
  });

  test(`${address}: connect() to openssl s_server succeeds with the root and fails with a clear code without it`, async () => {
    const { ca, server } = await fixtures();
    const tmp = tempDir();
    const pem = server.toPEM();
    const sserver = await startSServer(address, tmp.file('cert.pem', pem.certificatePem), tmp.file('key.pem', pem.keyPem));
    try {
      const good = connect(address, sserver.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
      await good.ready;
      assert.ok(['TLSv1.2', 'TLSv1.3'].includes(good.tls!.protocol));
      good.cancel();
      const bad = connect(address, sserver.port, { sessionCache: freshCache() });
      await assert.rejects(bad.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CERTIFICATE_VERIFY_FAILED'
        && (e.details?.trustCode === 'NOT_TRUSTED') && /install the listener's root/.test(e.hint ?? ''));
    } finally {
      await sserver.stop();
      tmp.cleanup();
    }
  });

  test(`${address}: an IP missing from the SAN is refused by default (with a hint) and passes only with a basic X.509 hook`, async () => {
    const { ca } = await fixtures();
    const nameOnly = await ca.issue({ hosts: ['listener-name.local'] });
    const listener = createListener({ identity: nameOnly, port: 0, host: address });
    listener.on('connection', (conn) => conn.cancel());
    await listener.ready;
    try {
      const strict = connect(address, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache() });
      await assert.rejects(strict.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CERTIFICATE_VERIFY_FAILED' && e.details?.trustCode === 'HOSTNAME_MISMATCH' && /basicX509/.test(e.hint ?? ''));
      const basic = connect(address, listener.port, { trustRoots: [ca.certificate], sessionCache: freshCache(), verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted });
      await basic.ready;
      assert.equal(basic.state, 'ready');
      basic.cancel();
      const wrongRoot = connect(address, listener.port, { sessionCache: freshCache(), verify: async (ctx) => (await ctx.evaluate({ kind: 'basicX509' })).trusted });
      await until(wrongRoot, ['failed', 'ready']);
      assert.equal(wrongRoot.error?.code, 'CERTIFICATE_VERIFY_FAILED', 'basic X.509 still requires the chain to reach a root');
    } finally {
      await closeListener(listener);
    }
  });
}

test('no common-name fallback: a certificate without SAN whose CN is the host is refused', async () => {
  const tmp = tempDir();
  try {
    const run = async (args: string[]) => { const r = await runOpenssl(args); assert.equal(r.code, 0, r.out); };
    const f = (n: string) => `${tmp.dir}/${n}`;
    await run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/CN=CN Test CA', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign']);
    await run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=listener-name.local']);
    tmp.file('ext.cnf', 'extendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n');
    await run(['x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '30', '-extfile', f('ext.cnf')]);
    const { readFileSync } = await import('node:fs');
    const sserver = await startSServer('127.0.0.1', f('leaf.pem'), f('leaf.key'));
    try {
      const conn = connect('listener-name.local', sserver.port, { trustRoots: [readFileSync(f('ca.pem'), 'utf8')], lookup: () => ['127.0.0.1'], sessionCache: freshCache() });
      await assert.rejects(conn.ready, (e: unknown) => e instanceof ConnectionError && e.code === 'CERTIFICATE_VERIFY_FAILED' && e.details?.trustCode === 'HOSTNAME_MISMATCH');
    } finally {
      await sserver.stop();
    }
  } finally {
    tmp.cleanup();
  }
});
