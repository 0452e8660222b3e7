/**
 * Issue 14.4: the total key-derivation work of one PKCS#12 import is budgeted (default
 * 4 × maxIterations, option maxTotalIterations), counted before deriving: a file of many
 * encrypted SafeContents, each at the per-derivation cap, is refused with ITERATIONS_TOO_HIGH.
 * The tests use a small maxIterations (1000) so building and reading the files stays fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CertificateAuthority } from '../../src/ca/index.js';
import { decodePKCS12 } from '../../src/identity/pkcs12/decode.js';
import { pbes2Encrypt } from '../../src/identity/pkcs12/pbes2.js';
import { explicit, int, objectId, octetString, seq, tlv } from '../../src/identity/pkcs12/asn1.js';
import { OID } from '../../src/identity/pkcs12/oids.js';
import { rejectsWithCode } from '../helpers/assert-error.js';

const PASSWORD = 'budget test';
const CAP = 1000;
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const aes = (iterations: number) => ({ salt: new Uint8Array(randomBytes(16)), iv: new Uint8Array(randomBytes(16)), iterations, prf: 'sha256' as const, cipher: 'aes-256-cbc' as const });
const dataInfo = (bytes: Uint8Array) => seq(objectId(OID.data), explicit(0, octetString(bytes)));
const encryptedInfo = (e: { algorithmId: Uint8Array; encrypted: Uint8Array }) =>
  seq(objectId(OID.encryptedData), explicit(0, seq(int(0), seq(objectId(OID.data), e.algorithmId, tlv(0x80, e.encrypted)))));

/**
 * A PFX without a MAC: the certificate in a plain SafeContents, then `encrypted` encrypted
 * SafeContents at `iterations` each (one ciphertext, repeated), the key plain or (`shroudedKeyInside`)
 * as a pkcs8ShroudedKeyBag inside the first encrypted SafeContents.
 */
async function manySafeContents(encrypted: number, iterations: number, shroudedKeyInside = false): Promise<Uint8Array> {
  const ca = await CertificateAuthority.create({ commonName: 'Budget CA' });
  const identity = await ca.issue({ hosts: ['budget.local'] });
  const certBag = seq(objectId(OID.certBag), explicit(0, seq(objectId(OID.x509Certificate), explicit(0, octetString(identity.certificate.der)))));
  const keyBag = seq(objectId(OID.keyBag), explicit(0, identity.privateKey.toPKCS8()));
  const filler = await pbes2Encrypt(utf8(PASSWORD), seq(), aes(iterations));
  const infos = [dataInfo(seq(certBag))];
  let count = 0;
  if (shroudedKeyInside) {
    count++;
    const key = await pbes2Encrypt(utf8(PASSWORD), identity.privateKey.toPKCS8(), aes(iterations));
    const shrouded = seq(objectId(OID.pkcs8ShroudedKeyBag), explicit(0, seq(key.algorithmId, octetString(key.encrypted))));
    infos.push(encryptedInfo(await pbes2Encrypt(utf8(PASSWORD), seq(shrouded), aes(iterations))));
  } else {
    infos.push(dataInfo(seq(keyBag)));
  }
  for (; count < encrypted; count++) infos.push(encryptedInfo(filler));
  return seq(int(3), dataInfo(seq(...infos)));
}

test('14.4 a file of 1,000 SafeContents (998 encrypted at maxIterations, the most a file may hold) is refused up front (ITERATIONS_TOO_HIGH, total budget)', async () => {
  const bomb = await manySafeContents(998, CAP);
  const error = await rejectsWithCode(() => decodePKCS12(bomb, PASSWORD, { maxIterations: CAP }), 'ITERATIONS_TOO_HIGH');
  assert.match(error.message, /total 5000 iterations \(4000 before it\); expected at most 4000 in total/);
  assert.match(error.message, /SafeContents 7 \(PBES2/, 'the fifth encrypted SafeContents (after the certificate and the key) passes the budget');
  assert.equal(error.details?.maxTotalIterations, 4 * CAP);
  assert.match(error.hint ?? '', /maxTotalIterations/);
  // Refused before deriving: with a wrong password the first derivation would have answered BAD_PASSWORD.
  await rejectsWithCode(() => decodePKCS12(bomb, 'not the password', { maxIterations: CAP }), 'ITERATIONS_TOO_HIGH');
});

test('14.4 within the budget a file reads; maxTotalIterations raises or lowers it', async () => {
  const four = await manySafeContents(4, CAP);
  assert.equal((await decodePKCS12(four, PASSWORD, { maxIterations: CAP })).certificate.subjectAltNames[0]?.value, 'budget.local', '4 × 1000 is exactly the default budget');
  await rejectsWithCode(() => decodePKCS12(four, PASSWORD, { maxIterations: CAP, maxTotalIterations: 3999 }), 'ITERATIONS_TOO_HIGH');
  const five = await manySafeContents(5, CAP);
  await rejectsWithCode(() => decodePKCS12(five, PASSWORD, { maxIterations: CAP }), 'ITERATIONS_TOO_HIGH');
  assert.ok(await decodePKCS12(five, PASSWORD, { maxIterations: CAP, maxTotalIterations: 5000 }));
  for (const bad of [0, -1, 1.5, '5000', Number.NaN]) {
    await rejectsWithCode(() => decodePKCS12(five, PASSWORD, { maxTotalIterations: bad as number }), 'INVALID_OPTION');
  }
});

test('14.4 an encrypted key found inside encrypted SafeContents counts before its derivation runs', async () => {
  // 4 encrypted SafeContents (4000) fit the budget; the shrouded key inside the first would make 5000.
  const file = await manySafeContents(4, CAP, true);
  const error = await rejectsWithCode(() => decodePKCS12(file, PASSWORD, { maxIterations: CAP }), 'ITERATIONS_TOO_HIGH');
  assert.match(error.message, /encrypted private key/);
  assert.equal((await decodePKCS12(file, PASSWORD, { maxIterations: CAP, maxTotalIterations: 5000 })).privateKey.algorithm, 'ecdsa-p256');
});

test('14.4 an empty password tries two password forms: the budget counts the work of both', async () => {
  // Without a MAC, both forms may decrypt every SafeContents: 2 × 2 × 1000 = 4000 fits, 2 × 3 × 1000 does not.
  const two = await manySafeContents(2, CAP);
  await rejectsWithCode(() => decodePKCS12(two, '', { maxIterations: CAP }), 'BAD_PASSWORD');
  const three = await manySafeContents(3, CAP);
  const error = await rejectsWithCode(() => decodePKCS12(three, '', { maxIterations: CAP }), 'ITERATIONS_TOO_HIGH');
  assert.match(error.message, /× 2 password forms/);
});
