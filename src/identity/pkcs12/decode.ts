/**
 * PKCS#12 import: verifies the MAC, decrypts every SafeContents and key bag, and returns the
 * private key, the leaf certificate (matched by localKeyID, else by public key), the chain
 * (leaf first) and any extra certificates.
 *
 * Order of work, so hostile files cost little: parse everything visible without a password,
 * refuse any iteration count above `maxIterations` and any file whose derivations together pass
 * `maxTotalIterations` (ITERATIONS_TOO_HIGH), then derive keys.
 * Key derivation yields to the event loop (PKCS#12 KDF in slices, PBKDF2 in the thread pool).
 */
import { ConfigError, IdentityError, LocalTlsError } from '../../errors.js';
import { bytesEqual } from '../../internal/bytes.js';
import { describe } from '../../internal/options.js';
import { Certificate } from '../../cert/certificate.js';
import { PrivateKey } from '../private-key.js';
import { oid, parseWhole, sequence, integer } from './asn1.js';
import { Slicer } from './kdf.js';
import { checkIterations, checkMaxIterationsOption, checkMaxTotalIterationsOption, IterationBudget } from './limits.js';
import { OID, oidName } from './oids.js';
import { passwordCandidates, type PasswordCandidate } from './password.js';
import { parsePfx, pkcs12Bytes } from './pfx.js';
import { parseAuthenticatedSafe, parseSafeContents, type SafeBag, type SafeEntry } from './safe-contents.js';

/** Options of {@link Identity.fromPKCS12} when reading a PKCS#12 file. */
export interface DecodePKCS12Options {
  /** Highest iteration count accepted for the MAC, any PBE or PBKDF2 (default 2,000,000). */
  maxIterations?: number;
  /**
   * Most key-derivation iterations one import may run in total: the MAC, every encrypted
   * SafeContents and every encrypted key, once per password form tried (an empty or absent
   * password tries two). Default 4 × `maxIterations` (8,000,000). Checked before deriving.
   */
  maxTotalIterations?: number;
}

/** How the file's integrity was protected and checked. */
export interface PKCS12Integrity {
  /** 'password-mac' (RFC 7292 HMAC), 'pbmac1' (RFC 9579) or 'none' (no MacData: contents unauthenticated). */
  mode: 'password-mac' | 'pbmac1' | 'none';
  /** e.g. "HMAC-SHA-256"; undefined when mode is 'none'. */
  algorithm: string | undefined;
  /** Iterations of the MAC key derivation; undefined when mode is 'none'. */
  iterations: number | undefined;
  /** True when a MAC was present and matched. */
  verified: boolean;
}

/** What a PKCS#12 file held. */
export interface DecodedPKCS12 {
  privateKey: PrivateKey;
  /** The certificate of the private key. */
  certificate: Certificate;
  /** Leaf first, then its issuers found in the file. */
  chain: Certificate[];
  /** Certificates that are not on the leaf's path. */
  extraCertificates: Certificate[];
  /** friendlyName of the key bag, else of the leaf's certificate bag. */
  friendlyName: string | undefined;
  /** localKeyID of the key, when present. */
  localKeyId: Uint8Array | undefined;
  integrity: PKCS12Integrity;
  /** Each encryption algorithm met, e.g. ["PBES2 (PBKDF2-hmacWithSHA256, aes-256-cbc)"]. */
  encryption: string[];
}

const ACCEPTED_KEY_OIDS = new Set<string>([OID.rsaEncryption, OID.ecPublicKey, OID.ed25519]);

function keyAlgorithmOid(pkcs8: Uint8Array): string {
  const info = sequence(parseWhole(pkcs8, 'PrivateKeyInfo'), 'PrivateKeyInfo');
  integer(info.next('version'), 'PrivateKeyInfo version');
  const alg = sequence(info.next('privateKeyAlgorithm'), 'PrivateKeyInfo privateKeyAlgorithm');
  return oid(alg.next('algorithm'), 'PrivateKeyInfo privateKeyAlgorithm');
}

/**
 * Reads a key bag's PKCS#8. Its structure must parse (MALFORMED, which becomes BAD_PASSWORD for
 * decrypted bags); a key whose algorithm localtls cannot use is returned as the error, thrown only
 * after the file's structure and certificates were checked, so codes say what is really wrong.
 * Key *strength* is no reason to refuse here: reading is not using (see key-strength.ts).
 */
function importKey(pkcs8: Uint8Array, label: string): PrivateKey | IdentityError {
  const algorithm = keyAlgorithmOid(pkcs8);
  if (!ACCEPTED_KEY_OIDS.has(algorithm)) {
    return new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${label}: expected an RSA, EC or Ed25519 private key; found ${oidName(algorithm)}`, { details: { oid: algorithm } });
  }
  try {
    return PrivateKey.fromPKCS8(pkcs8);
  } catch (error) {
    if (error instanceof IdentityError && error.code === 'UNSUPPORTED_ALGORITHM') return new IdentityError('UNSUPPORTED_ALGORITHM', `PKCS#12: ${label}: ${error.message}`, { cause: error });
    throw error;
  }
}

interface Opened {
  keys: { key: PrivateKey | IdentityError; friendlyName: string | undefined; localKeyId: Uint8Array | undefined }[];
  certs: { cert: Certificate; friendlyName: string | undefined; localKeyId: Uint8Array | undefined }[];
  encryption: Set<string>;
}

/** Decrypts and opens everything with one password form. Errors inside decrypted data become BAD_PASSWORD unless `authenticated`. */
async function open(entries: SafeEntry[], password: PasswordCandidate, maxIterations: number, budget: IterationBudget, authenticated: boolean, slicer: Slicer): Promise<Opened> {
  const opened: Opened = { keys: [], certs: [], encryption: new Set() };
  const bagCount = { n: 0 };
  // Decrypted bytes that do not parse mean the password was wrong (padding passes by chance 1 in 256).
  const asDecrypted = <T>(fn: () => T, what: string): T => {
    try {
      return fn();
    } catch (error) {
      if (!authenticated && error instanceof LocalTlsError && error.code === 'MALFORMED') {
        throw new IdentityError('BAD_PASSWORD', `PKCS#12: ${what} did not decrypt with this password (expected DER after decryption; found garbage)`);
      }
      throw error;
    }
  };
  const bags: { bag: SafeBag; decrypted: boolean }[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry.kind === 'plain') {
      for (const bag of parseSafeContents(entry.safeContents, `SafeContents ${index + 1}`, bagCount)) bags.push({ bag, decrypted: false });
    } else {
      opened.encryption.add(entry.scheme.name);
      const what = `SafeContents ${index + 1} (${entry.scheme.name})`;
      const plain = await entry.scheme.decrypt(password, entry.encrypted, slicer, what);
      for (const bag of asDecrypted(() => parseSafeContents(plain, `SafeContents ${index + 1}`, bagCount), what)) bags.push({ bag, decrypted: true });
    }
  }
  for (const [index, { bag, decrypted }] of bags.entries()) {
    const label = `bag ${index + 1}`;
    const attrs = { friendlyName: bag.friendlyName, localKeyId: bag.localKeyId };
    if (bag.kind === 'key') {
      const key = decrypted ? asDecrypted(() => importKey(bag.pkcs8, label), label) : importKey(bag.pkcs8, label);
      opened.keys.push({ key, ...attrs });
    } else if (bag.kind === 'shroudedKey') {
      if (bag.scheme.unsupported) throw bag.scheme.unsupported;
      const keyWhat = `${label} (encrypted private key, ${bag.scheme.name})`;
      checkIterations(bag.scheme.iterations, maxIterations, keyWhat);
      // Keys inside encrypted SafeContents become visible only now; the others were counted up front.
      if (decrypted) budget.spend(bag.scheme.iterations, keyWhat);
      opened.encryption.add(bag.scheme.name);
      const what = `${label} (private key, ${bag.scheme.name})`;
      const pkcs8 = await bag.scheme.decrypt(password, bag.encrypted, slicer, what);
      opened.keys.push({ key: asDecrypted(() => importKey(pkcs8, label), what), ...attrs });
    } else if (bag.kind === 'cert') {
      const parse = (): Certificate => {
        try {
          return Certificate.from(bag.der);
        } catch (error) {
          if (error instanceof LocalTlsError) throw new IdentityError('MALFORMED', `PKCS#12: ${label}: expected an X.509 certificate; ${error.message}`, { cause: error });
          throw error;
        }
      };
      opened.certs.push({ cert: decrypted ? asDecrypted(parse, label) : parse(), ...attrs });
    }
  }
  return opened;
}

type UsableKey = Opened['keys'][number] & { key: PrivateKey };

function sameId(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && bytesEqual(a, b);
}

function assemble(opened: Opened, integrity: PKCS12Integrity): DecodedPKCS12 {
  if (opened.keys.length === 0) {
    throw new IdentityError('NO_KEY', `PKCS#12: expected a private key (keyBag or pkcs8ShroudedKeyBag); found ${opened.certs.length} certificate(s) and no key`, {
      hint: 'export the file again with its private key (openssl pkcs12 -export -inkey key.pem ...)',
    });
  }
  if (opened.certs.length === 0) {
    throw new IdentityError('NO_CERTIFICATE', `PKCS#12: expected a certificate for the private key; found ${opened.keys.length} key(s) and no certificate`, {
      hint: 'export the file again with its certificate (openssl pkcs12 -export -in cert.pem -inkey key.pem ...)',
    });
  }
  const usable = opened.keys.filter((k): k is UsableKey => k.key instanceof PrivateKey);
  if (usable.length === 0) throw opened.keys[0]!.key as IdentityError;
  let chosen: { key: UsableKey; leaf: Opened['certs'][number] } | undefined;
  let mismatch: string | undefined;
  for (const key of usable) {
    const byId = opened.certs.find((c) => sameId(c.localKeyId, key.localKeyId));
    if (byId) {
      if (key.key.matches(byId.cert)) { chosen = { key, leaf: byId }; break; }
      mismatch ??= `the certificate with the key's localKeyID (${byId.cert.subject}) carries another public key`;
      continue;
    }
    const byKey = opened.certs.find((c) => key.key.matches(c.cert));
    if (byKey) { chosen = { key, leaf: byKey }; break; }
  }
  if (!chosen) {
    throw new IdentityError('KEY_MISMATCH', `PKCS#12: expected a certificate for the ${usable[0]!.key.algorithm} private key (by localKeyID or public key); found ${mismatch ?? `${opened.certs.length} certificate(s), none carrying its public key`}`);
  }
  const leaf = chosen.leaf.cert;
  const others = opened.certs.filter((c) => c !== chosen!.leaf).map((c) => c.cert);
  const chain = [leaf];
  const remaining = others.filter((c) => !c.equals(leaf));
  let current = leaf;
  while (!current.isSelfIssued) {
    const index = remaining.findIndex((c) => bytesEqual(current.issuerDer, c.subjectDer) && (!current.authorityKeyIdentifier || !c.subjectKeyIdentifier || current.authorityKeyIdentifier === c.subjectKeyIdentifier));
    if (index < 0) break;
    current = remaining.splice(index, 1)[0]!;
    chain.push(current);
  }
  const extras: Certificate[] = [];
  for (const c of remaining) if (!extras.some((e) => e.equals(c))) extras.push(c);
  return {
    privateKey: chosen.key.key,
    certificate: leaf,
    chain,
    extraCertificates: extras,
    friendlyName: chosen.key.friendlyName ?? chosen.leaf.friendlyName,
    localKeyId: chosen.key.localKeyId,
    integrity,
    encryption: [...opened.encryption],
  };
}

/**
 * Reads a PKCS#12 (.p12/.pfx) file: every integrity and privacy mode OpenSSL 1.x/3.x, macOS,
 * Windows, Java and NSS write (see docs/identity.md). An empty or absent password tries both the
 * empty BMPString and the absent password, as OpenSSL does.
 *
 * @param password default: none (the empty and absent passwords are tried)
 * @param options.maxIterations default 2,000,000
 * @param options.maxTotalIterations default 4 × maxIterations
 * @throws IdentityError BAD_PASSWORD, MALFORMED, UNSUPPORTED_ALGORITHM, NO_KEY, NO_CERTIFICATE,
 *   KEY_MISMATCH, ITERATIONS_TOO_HIGH, INPUT_TOO_LARGE; ConfigError INVALID_OPTION
 *
 * @example
 * ```ts
 * const { privateKey, chain, integrity } = await decodePKCS12(await readFile('server.p12'), 'secret');
 * ```
 */
export async function decodePKCS12(data: unknown, password?: string, options: DecodePKCS12Options = {}): Promise<DecodedPKCS12> {
  if (password !== undefined && typeof password !== 'string') {
    throw new ConfigError('INVALID_OPTION', `password: expected a string or undefined; found ${describe(password)}`);
  }
  if (options === null || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `PKCS#12 options: expected an object; found ${describe(options)}`);
  const maxIterations = checkMaxIterationsOption(options.maxIterations);
  const budget = new IterationBudget(checkMaxTotalIterationsOption(options.maxTotalIterations, maxIterations));
  try {
    return await decodeChecked(pkcs12Bytes(data), password, maxIterations, budget);
  } catch (error) {
    if (error instanceof LocalTlsError) throw error;
    // A safety net: nothing but LocalTlsError escapes, whatever the input.
    throw new IdentityError('MALFORMED', `PKCS#12: expected a well-formed file; found data that failed to decode (${error instanceof Error ? error.name : 'error'})`, { cause: error });
  }
}

async function decodeChecked(bytes: Uint8Array, password: string | undefined, maxIterations: number, budget: IterationBudget): Promise<DecodedPKCS12> {
  const pfx = parsePfx(bytes);
  const entries = parseAuthenticatedSafe(pfx.authSafe);
  const candidates = passwordCandidates(password);
  // Everything visible without a password is checked, and its derivations counted against the
  // total budget, before any key derivation: the MAC once per password form; the contents once,
  // or once per password form when there is no MAC to pick the right one first.
  const forms = (n: number) => (n > 1 ? ` × ${n} password forms` : '');
  const tries = pfx.mac ? 1 : candidates.length;
  const reserve = (iterations: number, times: number, what: string): void => {
    checkIterations(iterations, maxIterations, what);
    budget.spend(iterations * times, `${what}${forms(times)}`);
  };
  if (pfx.mac?.unsupported) throw pfx.mac.unsupported;
  if (pfx.mac) reserve(pfx.mac.iterations, candidates.length, `MAC (${pfx.mac.name})`);
  for (const [index, entry] of entries.entries()) {
    if (entry.kind === 'encrypted') {
      if (entry.scheme.unsupported) throw entry.scheme.unsupported;
      reserve(entry.scheme.iterations, tries, `SafeContents ${index + 1} (${entry.scheme.name})`);
    } else {
      for (const bag of parseSafeContents(entry.safeContents, `SafeContents ${index + 1}`)) {
        if (bag.kind !== 'shroudedKey') continue;
        if (bag.scheme.unsupported) throw bag.scheme.unsupported;
        reserve(bag.scheme.iterations, tries, `encrypted private key (${bag.scheme.name})`);
      }
    }
  }
  const slicer = new Slicer();
  if (pfx.mac) {
    const mac = pfx.mac;
    let chosen: PasswordCandidate | undefined;
    for (const candidate of candidates) {
      if (await mac.verify(candidate, pfx.authSafe, slicer)) { chosen = candidate; break; }
    }
    if (!chosen) {
      throw new IdentityError('BAD_PASSWORD', `PKCS#12: the ${mac.name} integrity check failed (expected the MAC to match with this password; found a mismatch: wrong password or altered file)`, {
        hint: 'check the password; run inspectPKCS12() to see how the file was written',
      });
    }
    const integrity: PKCS12Integrity = { mode: mac.kind === 'pbmac1' ? 'pbmac1' : 'password-mac', algorithm: mac.name, iterations: mac.iterations, verified: true };
    return assemble(await open(entries, chosen, maxIterations, budget, true, slicer), integrity);
  }
  const integrity: PKCS12Integrity = { mode: 'none', algorithm: undefined, iterations: undefined, verified: false };
  let lastError: unknown;
  for (const candidate of candidates) {
    try {
      return assemble(await open(entries, candidate, maxIterations, budget, false, slicer), integrity);
    } catch (error) {
      if (!(error instanceof LocalTlsError && error.code === 'BAD_PASSWORD')) throw error;
      lastError = error;
    }
  }
  throw lastError;
}
