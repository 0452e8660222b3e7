import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/errors.js';
import { createListener, connect } from '../../src/index.js';
import { resolveMinVersion } from '../../src/tls/versions.js';
import { fixtures } from '../transport/fixtures.js';

test('NODE_OPTIONS=--tls-min-v1.0 does not lower the floor (listener and client), while a raw node:tls server does accept TLS 1.0', async () => {
  const child = fileURLToPath(new URL('./min-version-child.js', import.meta.url));
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [child], { env: { ...process.env, NODE_OPTIONS: '--tls-min-v1.0' }, timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  assert.equal(result.nodeOptions, '--tls-min-v1.0');
  assert.match(result.control, /^accepted TLSv1/, 'control: the process default really was lowered');
  assert.match(result.listener, /^refused/);
  assert.deepEqual(result.listenerErrors, ['TLS_VERSION_REFUSED']);
  assert.equal(result.client, 'TLS_VERSION_REFUSED');
});

test('minVersion below TLS 1.2 is a ConfigError naming the accepted values', async () => {
  const { server } = await fixtures();
  assert.equal(resolveMinVersion(undefined), 'TLSv1.2');
  for (const bad of ['TLSv1', 'TLSv1.1', 'SSLv3', 12]) {
    assert.throws(() => createListener({ identity: server, port: 0, minVersion: bad as never }), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_OPTION' && /'TLSv1.2' or 'TLSv1.3'/.test(e.message));
    assert.throws(() => connect('127.0.0.1', 1, { minVersion: bad as never }), ConfigError);
  }
  assert.throws(() => connect('127.0.0.1', 1, { trustroots: [] } as never), /unknown option 'trustroots'/);
  assert.throws(() => connect('not a host!', 1), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_HOST');
  assert.throws(() => createListener({ identity: 'x' as never, port: 0 }), /identity: expected an Identity/);
});
