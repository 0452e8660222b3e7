/** evaluateTrust: misuse throws ConfigError; malformed certificates give MALFORMED verdicts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, TrustError } from '../../src/errors.js';
import { evaluateTrust, evaluateTrustSync, resolvePolicy, type EvaluateTrustOptions } from '../../src/trust/index.js';
import { Certificate } from '../../src/cert/certificate.js';
import { pem, TIME } from './vectors.js';

const anchors = [pem('root')];

test('bad options throw ConfigError INVALID_OPTION naming the option', () => {
  const cases: [unknown, unknown, RegExp][] = [
    [pem('leaf'), undefined, /evaluateTrust options/],
    [pem('leaf'), {}, /^anchors: expected/],
    [pem('leaf'), { anchors, polcy: {} }, /unknown option 'polcy'/],
    [pem('leaf'), { anchors, policy: { kind: 'tls' } }, /policy\.kind: expected one of 'basicX509', 'ssl'; found "tls"/],
    [pem('leaf'), { anchors, policy: { kind: 'ssl' } }, /policy\.hostname: expected the DNS name or IP address/],
    [pem('leaf'), { anchors, policy: { kind: 'ssl', hostname: 'a.local', server: 'yes' } }, /policy\.server: expected true or false/],
    [pem('leaf'), { anchors, policy: { kind: 'basicX509', hostname: 'a.local' } }, /unknown option 'hostname'/],
    [pem('leaf'), { anchors, time: new Date('nope') }, /time: expected a valid Date/],
    [pem('leaf'), { anchors, time: '2030-01-01' }, /time: expected a valid Date/],
    [pem('leaf'), { anchors, cache: 1 }, /cache: expected true or false/],
    [42, { anchors }, /chain: expected DER bytes, PEM text or a Certificate/],
    [[pem('leaf'), null], { anchors }, /chain\[1\]: expected DER bytes/],
    [pem('leaf'), { anchors: [{}] }, /anchors\[0\]: expected DER bytes/],
  ];
  for (const [chain, options, message] of cases) {
    assert.throws(() => evaluateTrustSync(chain as string, options as EvaluateTrustOptions), (e: unknown) => e instanceof ConfigError && e.code === 'INVALID_OPTION' && message.test(e.message), String(message));
  }
});

test('evaluateTrust rejects its promise for misuse, never for verdicts', async () => {
  await assert.rejects(evaluateTrust(pem('leaf'), {} as EvaluateTrustOptions), ConfigError);
  const verdict = await evaluateTrust('not a certificate', { anchors });
  assert.equal(verdict.error?.code, 'MALFORMED');
});

test('malformed chain certificates give MALFORMED with the input index', () => {
  const der = Certificate.from(pem("int")).toDER();
  const truncated = der.subarray(0, der.length - 10);
  const result = evaluateTrustSync([pem('leaf'), truncated], { anchors, time: TIME });
  assert.equal(result.trusted, false);
  assert.equal(result.error?.code, 'MALFORMED');
  assert.equal(result.error?.certificateIndex, 1);
  assert.match(result.error!.message, /^chain\[1\] could not be read: .*truncated.* — the peer sent a damaged or non-X\.509 certificate$/);
  const garbage = evaluateTrustSync([new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])], { anchors, time: TIME });
  assert.equal(garbage.error?.code, 'MALFORMED');
  assert.equal(garbage.error?.certificateIndex, 0);
});

test('an empty chain and a malformed anchor are MALFORMED verdicts', () => {
  assert.equal(evaluateTrustSync([], { anchors, time: TIME }).error?.code, 'MALFORMED');
  const bad = evaluateTrustSync([pem('leaf'), pem('int')], { anchors: [pem('root'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'], time: TIME });
  assert.equal(bad.error?.code, 'MALFORMED');
  assert.equal(bad.error?.certificateIndex, undefined);
  assert.match(bad.error!.message, /^anchors\[1\] could not be read: .* — fix the anchors you pass to evaluateTrust$/);
});

test('inputs may be DER, PEM, Certificate objects or a single PEM bundle', () => {
  const leaf = Certificate.from(pem('leaf'));
  const int = Certificate.from(pem('int'));
  for (const chain of [[leaf, int], [leaf.toDER(), int.toDER()], pem('leaf') + pem('int'), [Buffer.from(leaf.der), int.toPEM()]]) {
    const result = evaluateTrustSync(chain as never, { anchors: Certificate.from(pem('root')).toDER(), time: TIME, cache: false });
    assert.equal(result.trusted, true, result.explain());
  }
});

test('results are frozen values; toError gives a TrustError with every finding', () => {
  const result = evaluateTrustSync([pem('leaf-expired'), pem('int')], { anchors, policy: { kind: 'ssl', hostname: 'x.local' }, time: TIME });
  assert.ok(Object.isFrozen(result));
  assert.ok(Object.isFrozen(result.findings));
  const error = result.toError()!;
  assert.ok(error instanceof TrustError);
  assert.equal(error.code, 'EXPIRED');
  assert.equal((error.details!.findings as unknown[]).length, 2);
  const text = result.explain();
  assert.match(text, /\[0\] 'CN=expired' — valid 2020-01-01 to 2021-01-01/);
  assert.match(text, /all findings:\n {2}- EXPIRED \[0\]: .*\n {2}- HOSTNAME_MISMATCH \[0\]: certificate is valid for listener-name\.local/);
});

test('an invalid hostname is a HOSTNAME_MISMATCH verdict, not a throw', () => {
  const result = evaluateTrustSync([pem('leaf'), pem('int')], { anchors, policy: { kind: 'ssl', hostname: 'bad host!' }, time: TIME });
  assert.equal(result.error?.code, 'HOSTNAME_MISMATCH');
  assert.match(result.error!.message, /is not a DNS name or an IP address/);
});

test('resolvePolicy fills in defaults', () => {
  assert.equal(resolvePolicy(undefined).kind, 'basicX509');
  assert.deepEqual({ ...resolvePolicy({ kind: 'ssl', hostname: 'a.local' }) }, { kind: 'ssl', hostname: 'a.local', server: true, key: 'ssl|server|a.local' });
  assert.equal(resolvePolicy({ kind: 'ssl', server: false }).hostname, undefined);
});
