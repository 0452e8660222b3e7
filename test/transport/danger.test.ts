import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as main from '../../src/index.js';
import { acceptAnyPeerCertificate_INSECURE, pinFingerprintOnly_INSECURE, skipHostnameCheck_INSECURE } from '../../src/danger/index.js';
import { closeListener, fixtures, freshCache } from './fixtures.js';

test('danger hooks live only in localtls/danger and do what their names say', async () => {
  for (const name of ['acceptAnyPeerCertificate_INSECURE', 'skipHostnameCheck_INSECURE', 'pinFingerprintOnly_INSECURE']) assert.equal(name in main, false);
  const { ca, otherCa } = await fixtures();
  const foreign = await otherCa.issue({ hosts: ['other.local'] });
  const listener = main.createListener({ identity: foreign, port: 0, host: '127.0.0.1' });
  listener.on('connection', (c) => c.cancel());
  await listener.ready;
  try {
    const results: Record<string, string> = {};
    const hooks: Record<string, main.TlsVerifyHook> = {
      any: acceptAnyPeerCertificate_INSECURE,
      skipNameOwnRoot: skipHostnameCheck_INSECURE,
      pin: pinFingerprintOnly_INSECURE(foreign.certificate.fingerprintSha256),
      wrongPin: pinFingerprintOnly_INSECURE(ca.certificate.fingerprintSha256),
    };
    for (const [name, verify] of Object.entries(hooks)) {
      const roots = name === 'skipNameOwnRoot' ? [ca.certificate] : [];
      const conn = main.connect('127.0.0.1', listener.port, { trustRoots: roots, verify, sessionCache: freshCache() });
      results[name] = await conn.ready.then(() => 'ready', (e: main.LocalTlsError) => e.code);
      conn.cancel();
    }
    assert.deepEqual(results, { any: 'ready', skipNameOwnRoot: 'CERTIFICATE_VERIFY_FAILED', pin: 'ready', wrongPin: 'CERTIFICATE_VERIFY_FAILED' });
  } finally {
    await closeListener(listener);
  }
});

test('layering: rejectUnauthorized: false appears in exactly one file under src/', async () => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('../../../src/', import.meta.url).pathname;
  const hits: string[] = [];
  const walk = (dir: string) => { for (const n of readdirSync(dir)) { const p = join(dir, n); if (statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ts') && /rejectUnauthorized:\s*false/.test(readFileSync(p, 'utf8'))) hits.push(p.slice(root.length)); } };
  walk(root);
  assert.deepEqual(hits, ['tls/verify-hook.ts']);
});
