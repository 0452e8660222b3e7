/** Public-key pinning: spkiSha256, checkPins and the pinnedKeys verify hook. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError } from '../../src/errors.js';
import { Certificate } from '../../src/cert/certificate.js';
import { checkPins, evaluateTrust, pinnedKeys, spkiSha256, type TrustPolicy, type TrustResult, type VerifyContext } from '../../src/trust/index.js';
import { pem, TIME, VECTORS } from './vectors.js';

const certs = (...names: string[]) => names.map((n) => Certificate.from(pem(n)));

function context(chain: Certificate[], anchors: string[]): VerifyContext & { evaluated: (TrustPolicy | undefined)[] } {
  const evaluated: (TrustPolicy | undefined)[] = [];
  return {
    peerCertificates: chain, host: 'listener-name.local', serverName: 'listener-name.local', evaluated,
    evaluate: (policy) => { evaluated.push(policy); return evaluateTrust(chain, { anchors, policy, time: TIME }); },
  };
}

test('spkiSha256 equals the openssl pin pipeline', () => {
  const expected = execSync(`openssl x509 -in ${join(VECTORS, 'root.pem')} -pubkey -noout | openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64`, { encoding: 'utf8' }).trim();
  assert.equal(spkiSha256(pem('root')), expected);
});

test('checkPins accepts a pinned leaf, or a pinned CA linked by signatures', () => {
  const [leaf, int, root] = certs('leaf', 'int', 'root');
  assert.equal(checkPins([leaf!, int!], [spkiSha256(leaf!)]).trusted, true);
  const viaRoot = checkPins([leaf!, int!, root!], [`sha256/${spkiSha256(root!)}`]);
  assert.equal(viaRoot.trusted, true);
  assert.equal(viaRoot.chain.length, 3);
  assert.equal(checkPins([leaf!, int!], [root!.spkiSha256.hex]).trusted, false);
  assert.equal(checkPins([leaf!, int!], [int!.spkiSha256.hex.replace(/(..)/g, '$1:').slice(0, -1)]).trusted, true);
});

test('a pinned CA certificate merely appended to an unrelated chain does not count', () => {
  const [self, root] = certs('self-signed-leaf', 'root');
  const result = checkPins([self!, root!], [spkiSha256(root!)]);
  assert.equal(result.error?.code, 'PIN_MISMATCH');
  assert.match(result.error!.message, /none of the peer's keys is pinned: expected one of sha256\/.*; found 'CN=listener-name\.local' sha256\//);
  assert.equal(checkPins([], [spkiSha256(root!)]).error?.code, 'PIN_MISMATCH');
});

test('pinnedKeys: pin alone decides by default; with a policy the chain must also pass', async () => {
  const chain = certs('leaf', 'int');
  const pin = spkiSha256(chain[0]!);
  const rejects: TrustResult[] = [];
  const hook = pinnedKeys([pin], { onReject: (r) => rejects.push(r) });
  const ctx = context(chain, []);
  assert.equal((await hook(ctx)).trusted, true);
  assert.deepEqual(ctx.evaluated, []);

  const strict = pinnedKeys([pin], { policy: { kind: 'ssl', hostname: 'listener-name.local' }, onReject: (r) => rejects.push(r) });
  const untrusted = context(chain, [pem('other-root')]);
  assert.equal((await strict(untrusted)).trusted, false);
  assert.equal(rejects.at(-1)?.error?.code, 'NOT_TRUSTED');
  assert.equal((await strict(context(chain, [pem('root')]))).trusted, true);

  const other = pinnedKeys([spkiSha256(pem('other-root'))], { onReject: (r) => rejects.push(r) });
  assert.equal((await other(ctx)).error?.code, 'PIN_MISMATCH');
  assert.equal(rejects.at(-1)?.error?.code, 'PIN_MISMATCH');
});

test('bad pins and options are ConfigError at construction', () => {
  for (const pins of [[], ['nope'], [42], 'abc']) {
    assert.throws(() => pinnedKeys(pins as string[]), ConfigError);
  }
  assert.throws(() => pinnedKeys([spkiSha256(pem('root'))], { policy: { kind: 'ssl' } as TrustPolicy }), /policy\.hostname/);
  assert.throws(() => pinnedKeys([spkiSha256(pem('root'))], { onReject: 'x' as never }), /onReject: expected a function/);
});
