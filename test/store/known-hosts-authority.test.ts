/**
 * Issue 14.2: a CA recorded in known hosts runs evaluateTrust's evaluation (TLS server policy),
 * not just "chains to the CA". A waiter tablet's client-only certificate must not pass as the
 * front desk, and a chain through an extra intermediate that breaks the CA's pathLen 0 and name
 * constraints must not pass either — through the verify hook and through a real connect().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CertificateAuthority } from '../../src/ca/certificate-authority.js';
import { buildCertificate, simpleName } from '../../src/ca/certificate-builder.js';
import { caProfile } from '../../src/ca/certificate-profile.js';
import { LOCAL_NAME_CONSTRAINTS } from '../../src/ca/name-constraints.js';
import { PrivateKey } from '../../src/identity/private-key.js';
import type { Identity } from '../../src/identity/identity.js';
import { KnownHosts } from '../../src/store/known-hosts.js';
import { tofu, type TofuVerifyContext } from '../../src/store/tofu.js';
import { connect, createListener, LocalTlsError } from '../../src/index.js';
import { SessionCache } from '../../src/tls/session-cache.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { rejectsWithCode } from '../helpers/assert-error.js';

const DAY = 86_400_000;

/** The front desk's CA (pathLen 0, .local names only), the desk's server identity, a tablet's client identity, and a rogue chain. */
async function restaurant() {
  const rootKey = await PrivateKey.generate('ecdsa-p256');
  const rootName = simpleName('Front Desk CA');
  const now = Date.now();
  const rootCert = await buildCertificate({
    subject: rootName, issuer: rootName, subjectSpki: rootKey.spki(), issuerSpki: rootKey.spki(), signingKey: rootKey,
    notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), profile: caProfile(0), nameConstraints: LOCAL_NAME_CONSTRAINTS,
  });
  const ca = CertificateAuthority.fromParts(rootCert, rootKey);
  const desk = await ca.issue({ hosts: ['desk.local'] });
  const tablet = await ca.issue({ hosts: ['tablet-7.local'], serverAuth: false, clientAuth: true });
  // An intermediate the root's pathLen 0 forbids, without name constraints of its own, issuing for evil.com.
  const intKey = await PrivateKey.generate('ecdsa-p256');
  const intCert = await buildCertificate({
    subject: simpleName('Rogue Intermediate'), issuer: rootName, subjectSpki: intKey.spki(), issuerSpki: rootKey.spki(), signingKey: rootKey,
    notBefore: new Date(now - DAY), notAfter: new Date(now + 3000 * DAY), profile: caProfile(0),
  });
  const rogue = await CertificateAuthority.fromParts(intCert, intKey).issue({ hosts: ['desk.local', 'evil.com'] });
  return { ca, desk, tablet, rogue };
}

const ctx = (identity: Identity, host = 'desk.local', port = 4433): TofuVerifyContext => ({ peerCertificates: identity.chain, host, port });

test('14.2 hook: a CA recorded for desk.local checks serverAuth, the host name, pathLen and name constraints', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca, desk, tablet, rogue } = await restaurant();
  assert.equal(tablet.certificate.extendedKeyUsage?.includes('serverAuth'), false, 'the tablet certificate is client-only');
  const file = join(dir, 'known_hosts.json');
  const known = await KnownHosts.open({ file });
  await known.addAuthority(ca.certificate, { host: 'desk.local' });
  const verify = tofu({ file });

  // The real desk passes through the CA (nothing recorded: the CA answers, no first use).
  assert.equal(await verify(ctx(desk)), true);
  assert.equal((await known.check('desk.local', 4433, desk.chain)).status, 'authority');
  assert.deepEqual(await known.list(), [], 'a host covered by its CA records no key');

  // No key recorded yet: the tablet's client-only certificate is refused with evaluateTrust's code, not recorded as a first use.
  const eku = await rejectsWithCode(() => verify(ctx(tablet)), 'BAD_EXTENDED_KEY_USAGE');
  assert.match(eku.message, /desk\.local:4433: a CA is recorded for this host/);
  const tabletCheck = await known.check('desk.local', 4433, tablet.chain);
  assert.equal(tabletCheck.status, 'refused');
  assert.deepEqual(tabletCheck.authority!.findings.map((f) => f.code).sort(), ['BAD_EXTENDED_KEY_USAGE', 'HOSTNAME_MISMATCH']);
  assert.deepEqual(await known.list(), [], 'the refused chain recorded nothing');

  // The rogue intermediate breaks the root's pathLen 0 and its name constraints (evil.com).
  const rogueCheck = await known.check('desk.local', 4433, rogue.chain);
  assert.equal(rogueCheck.status, 'refused');
  const codes = rogueCheck.authority!.findings.map((f) => f.code);
  assert.ok(codes.includes('PATH_LENGTH_EXCEEDED'), codes.join());
  assert.ok(codes.includes('NAME_CONSTRAINTS'), codes.join());
  await rejectsWithCode(() => verify(ctx(rogue)), 'PATH_LENGTH_EXCEEDED');

  // With a key recorded, the CA still refuses both: KNOWN_HOST_CHANGED names the CA's verdict.
  await known.record('desk.local', 4433, desk.certificate);
  const changed = await rejectsWithCode(() => verify(ctx(tablet)), 'KNOWN_HOST_CHANGED');
  assert.equal(changed.details?.authorityCode, 'BAD_EXTENDED_KEY_USAGE');
  await rejectsWithCode(() => verify(ctx(rogue)), 'KNOWN_HOST_CHANGED');
  // A new desk key under the CA passes (what an authority entry is for).
  const renewed = await ca.issue({ hosts: ['desk.local'] });
  assert.equal(await verify(ctx(renewed)), true);
});

test('14.2 hook: a CA recorded for every host checks serverAuth and CA constraints, not the host name', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca, desk, tablet, rogue } = await restaurant();
  const file = join(dir, 'known_hosts.json');
  const known = await KnownHosts.open({ file });
  await known.record('kitchen.local', 4433, (await ca.issue({ hosts: ['kitchen.local'] })).certificate);
  await known.addAuthority(ca.certificate);
  assert.equal((await known.check('kitchen.local', 4433, desk.chain)).status, 'authority', 'an all-hosts CA does not check the name');
  const tabletCheck = await known.check('kitchen.local', 4433, tablet.chain);
  assert.equal(tabletCheck.status, 'changed');
  assert.deepEqual(tabletCheck.authority!.findings.map((f) => f.code), ['BAD_EXTENDED_KEY_USAGE']);
  assert.equal((await known.check('kitchen.local', 4433, rogue.chain)).status, 'changed');
  // For a host without a key and without a CA of its own, a chain the all-hosts CA refuses is a first use, as before.
  assert.equal((await known.check('printer.local', 4433, tablet.chain)).status, 'unknown');
});

test('14.2 connect(): the tablet and the rogue chain fail as desk.local with the CA verdict code; the desk connects', async (t) => {
  const { dir, cleanup } = await makeTempDir();
  t.after(cleanup);
  const { ca, desk, tablet, rogue } = await restaurant();
  const file = join(dir, 'known_hosts.json');
  await (await KnownHosts.open({ file })).addAuthority(ca.certificate, { host: 'desk.local' });
  const outcome = async (identity: Identity): Promise<LocalTlsError | undefined> => {
    const listener = createListener({ identity, port: 0, host: '127.0.0.1' });
    listener.on('connection', () => undefined);
    await listener.ready;
    const conn = connect('desk.local', listener.port, { lookup: () => ['127.0.0.1'], sessionCache: new SessionCache(), verify: tofu({ file }) });
    try {
      await conn.ready;
      return undefined;
    } catch (error) {
      assert.ok(error instanceof LocalTlsError, String(error));
      return error;
    } finally {
      conn.cancel();
      listener.cancel({ force: true });
      const start = Date.now();
      while (listener.openSocketCount > 0 && Date.now() - start < 3000) await new Promise((r) => setTimeout(r, 10));
    }
  };
  assert.equal(await outcome(desk), undefined, 'the desk passes through its CA');
  const asTablet = await outcome(tablet);
  assert.equal(asTablet?.code, 'CERTIFICATE_VERIFY_FAILED');
  assert.equal(asTablet?.details?.trustCode, 'BAD_EXTENDED_KEY_USAGE');
  const asRogue = await outcome(rogue);
  assert.equal(asRogue?.code, 'CERTIFICATE_VERIFY_FAILED');
  assert.equal(asRogue?.details?.trustCode, 'PATH_LENGTH_EXCEEDED');
  assert.deepEqual(await (await KnownHosts.open({ file })).list(), [], 'nothing was recorded for the refused chains');
});
