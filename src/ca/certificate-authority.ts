/**
 * CertificateAuthority: a local root CA that issues server and device identities every platform
 * accepts, signs CSRs, and is saved with its private key encrypted at rest.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { ConfigError, IdentityError, LocalTlsError } from '../errors.js';
import { booleanOption, describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { ensureDirectory, writeFileAtomic } from '../internal/atomic-file.js';
import { Certificate } from '../cert/certificate.js';
import { verifyCertificateSignature } from '../cert/signature.js';
import { hostsToSans } from '../cert/host-name.js';
import { PrivateKey } from '../identity/private-key.js';
import { requireStrongKey } from '../identity/key-strength.js';
import { Identity } from '../identity/identity.js';
import { checkKeyAlgorithm, DEFAULT_KEY_ALGORITHM, isRsa, type KeyAlgorithm } from '../identity/key-algorithm.js';
import { buildCertificate, simpleName } from './certificate-builder.js';
import { caProfile, leafProfile } from './certificate-profile.js';
import { nameConstraintViolation, resolveNameConstraints, type NameConstraintsSpec } from './name-constraints.js';
import { DEFAULT_CA_VALIDITY_DAYS, DEFAULT_LEAF_VALIDITY_DAYS, MAX_LEAF_VALIDITY_DAYS, validityWindow } from './validity.js';
import { lintCertificate } from './lint.js';
import { parseSigningRequest } from './signing-request.js';
import type { BinaryInput } from '../internal/bytes.js';

/** Options for {@link CertificateAuthority.create}. */
export interface CreateAuthorityOptions {
  /** The CA's common name, shown on every device that installs it (e.g. "Front Desk CA"). */
  commonName: string;
  /** Organization (O) in the CA's subject (optional). */
  organization?: string;
  /** Key algorithm (default 'ecdsa-p256'). */
  keyAlgorithm?: KeyAlgorithm;
  /** Validity in days (default 3650). */
  validityDays?: number;
  /** 'local' (only .local, .home.arpa, .internal, .lan and private addresses) or a custom spec. Default: none. */
  nameConstraints?: 'local' | NameConstraintsSpec;
  /** Issue time, for reproducible tests (default: now). */
  now?: Date;
}

/** Options for {@link CertificateAuthority.issue}. */
export interface IssueOptions {
  /** DNS names and IP addresses the certificate is for (e.g. ['listener-name.local', '192.168.1.20']). Required unless `clientAuth` only. */
  hosts?: string[];
  /** Validity in days (default 397; capped at 825 and at the CA's own expiry). */
  validityDays?: number;
  /** Include the clientAuth EKU (device certificates for mutual TLS). Default false. */
  clientAuth?: boolean;
  /** Include the serverAuth EKU. Default true. */
  serverAuth?: boolean;
  /** Key algorithm of the new key (default 'ecdsa-p256'). */
  keyAlgorithm?: KeyAlgorithm;
  /** Subject common name (default: the first host). */
  commonName?: string;
  /** Issue time, for reproducible tests (default: now). */
  now?: Date;
}

/** Options for {@link CertificateAuthority.sign}. */
export interface SignOptions {
  /** Hosts to put in the certificate (default: the hosts the CSR asks for). */
  hosts?: string[];
  /** Validity in days (default 397, capped at 825). */
  validityDays?: number;
  /** Include clientAuth. Default false. */
  clientAuth?: boolean;
  /** Include serverAuth. Default true. */
  serverAuth?: boolean;
  /** Issue time (default: now). */
  now?: Date;
}

/** Options for {@link CertificateAuthority.rollOver}. */
export interface RollOverOptions {
  /** Key algorithm of the new root key (default: 'ecdsa-p256'). */
  keyAlgorithm?: KeyAlgorithm;
  /** Validity of the new root in days (default 3650). The cross certificate ends with the old root at the latest. */
  validityDays?: number;
  /** Issue time, for reproducible tests (default: now). */
  now?: Date;
}

/** A certificate issued for a CSR: the leaf and the chain above it (leaf first). */
export interface SignedCertificate {
  certificate: Certificate;
  chain: Certificate[];
  /** The chain as PEM, leaf first. */
  chainPem: string;
}

const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
/** During a roll-over: the new root certified by the old one. */
const CA_CROSS_FILE = 'ca-cross.pem';
/** During a roll-over: the old root (devices that still present certificates under it may renew). */
const CA_PREVIOUS_FILE = 'ca-previous.pem';

/** The roll-over state of a CA: its root certified by the previous root, and that previous root. */
export interface RollOverState {
  /** The new root's subject and key, issued by the previous root. Sent in every chain this CA issues. */
  crossCertificate: Certificate;
  /** The previous (old) root. */
  previousRoot: Certificate;
}

/**
 * A local certificate authority.
 *
 * @example
 * ```ts
 * const ca = await CertificateAuthority.create({ commonName: 'Front Desk CA', nameConstraints: 'local' });
 * const identity = await ca.issue({ hosts: ['listener-name.local', '192.168.1.20'] });
 * await ca.save('/var/lib/frontdesk/ca', { passphrase });
 * const again = await CertificateAuthority.load('/var/lib/frontdesk/ca', { passphrase });
 * ```
 */
export class CertificateAuthority {
  /** The CA's (self-signed) root certificate: install it on every client device. */
  readonly certificate: Certificate;
  /** During a roll-over window: the cross certificate and the previous root (see {@link CertificateAuthority.rollOver}); otherwise undefined. */
  readonly rollOverState: RollOverState | undefined;
  readonly #key: PrivateKey;
  readonly #constraints: NameConstraintsSpec | undefined;

  private constructor(certificate: Certificate, key: PrivateKey, constraints: NameConstraintsSpec | undefined, rollOver?: RollOverState) {
    this.certificate = certificate;
    this.rollOverState = rollOver;
    this.#key = key;
    this.#constraints = constraints;
    Object.freeze(this);
  }

  /**
   * The roots whose certificates this CA accepts from devices: its own, and during a roll-over
   * window the previous root too (devices not yet renewed still present certificates under it).
   * @example `createListener({ identity, port: 4433, requireClientCertificate: true, trustRoots: ca.acceptedRoots })`
   */
  get acceptedRoots(): Certificate[] {
    return this.rollOverState ? [this.certificate, this.rollOverState.previousRoot] : [this.certificate];
  }

  /**
   * The certificates issued identities carry above their leaf: the cross certificate during a
   * roll-over (so devices that trust only the old root can still build leaf ← cross ← old root),
   * else the root.
   * @example `ca.issuerChain[0].isSelfSigned // false during a roll-over (the cross certificate), true after endRollOver()`
   */
  get issuerChain(): Certificate[] {
    return [this.rollOverState ? this.rollOverState.crossCertificate : this.certificate];
  }

  /**
   * Rolls the CA over to a new root: a new key and a self-signed root with the same subject and
   * name constraints, plus a cross certificate (the new subject and key, signed by this root).
   * The subject stays the same so the cross certificate is self-issued: roots are pathLen 0, and
   * RFC 5280 (and OpenSSL) do not count self-issued certificates against it.
   * Returns the new CA; this one is unchanged. Save the new one over the old directory.
   *
   * @example
   * ```ts
   * const next = await ca.rollOver();          // window opens: issue with `next`, devices renew and learn next.certificate
   * await next.save(dir, { passphrase });
   * const done = next.endRollOver();           // window closes: chains no longer carry the cross certificate
   * ```
   * @throws ConfigError INVALID_OPTION; IdentityError ROLLOVER_IN_PROGRESS when this CA is itself inside a roll-over window
   */
  async rollOver(options: RollOverOptions = {}): Promise<CertificateAuthority> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `rollOver: expected { keyAlgorithm?, validityDays?, now? }; found ${describe(options)}`);
    knownKeys('rollOver', options, ['keyAlgorithm', 'validityDays', 'now']);
    if (this.rollOverState) {
      throw new IdentityError('ROLLOVER_IN_PROGRESS', `CA ${this.certificate.subject}: expected no roll-over in progress; found one from the root ${this.rollOverState.previousRoot.fingerprintSha256}`, {
        hint: 'finish the current window first: ca.endRollOver() once every device renewed, and save it',
      });
    }
    const keyAlgorithm = checkKeyAlgorithm('keyAlgorithm', options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM);
    requireStrongKey(this.#key.keyObject(), `CA ${this.certificate.subject}: its signing key`, this, this.#key);
    const window = validityWindow({ name: 'validityDays', days: options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS, maxDays: 100 * 365, now: options.now });
    const key = await PrivateKey.generate(keyAlgorithm);
    const name = () => AsnConvert.parse(this.certificate.subjectDer, asnX509.Name);
    const certificate = await buildCertificate({
      subject: name(), issuer: name(), subjectSpki: key.spki(), issuerSpki: key.spki(), signingKey: key,
      ...window, profile: caProfile(0), nameConstraints: this.#constraints,
    });
    const crossWindow = { notBefore: window.notBefore, notAfter: window.notAfter > this.certificate.notAfter ? this.certificate.notAfter : window.notAfter };
    const crossCertificate = await buildCertificate({
      subject: name(), issuer: name(), subjectSpki: key.spki(), issuerSpki: this.certificate.spki, signingKey: this.#key,
      ...crossWindow, profile: caProfile(0), nameConstraints: this.#constraints,
    });
    return new CertificateAuthority(certificate, key, this.#constraints, { crossCertificate, previousRoot: this.certificate });
  }

  /**
   * Ends the roll-over window: the same root and key, without the cross certificate and the
   * previous root. Identities issued from now on chain to the new root only, and devices still
   * holding certificates under the old root can no longer renew.
   *
   * @example
   * ```ts
   * const done = ca.endRollOver(); await done.save(dir, { passphrase });
   * ```
   */
  endRollOver(): CertificateAuthority {
    return new CertificateAuthority(this.certificate, this.#key, this.#constraints);
  }

  /** Creates a new root CA (self-signed, CA:TRUE pathLen 0, keyCertSign + cRLSign, SKI). */
  static async create(options: CreateAuthorityOptions): Promise<CertificateAuthority> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `CertificateAuthority.create: expected { commonName }; found ${describe(options)}`);
    knownKeys('CertificateAuthority.create', options, ['commonName', 'organization', 'keyAlgorithm', 'validityDays', 'nameConstraints', 'now']);
    const commonName = nonEmptyString('commonName', options.commonName);
    const keyAlgorithm = checkKeyAlgorithm('keyAlgorithm', options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM);
    const constraints = resolveNameConstraints(options.nameConstraints);
    const window = validityWindow({ name: 'validityDays', days: options.validityDays ?? DEFAULT_CA_VALIDITY_DAYS, maxDays: 100 * 365, now: options.now });
    const key = await PrivateKey.generate(keyAlgorithm);
    const name = simpleName(commonName, options.organization);
    const certificate = await buildCertificate({
      subject: name, issuer: name, subjectSpki: key.spki(), issuerSpki: key.spki(), signingKey: key,
      ...window, profile: caProfile(0), nameConstraints: constraints,
    });
    return new CertificateAuthority(certificate, key, constraints);
  }

  /** Rebuilds a CA from its certificate and key (e.g. read from another store). @throws KEY_MISMATCH, NOT_A_CA */
  static fromParts(certificate: Certificate, privateKey: PrivateKey, rollOver?: RollOverState): CertificateAuthority {
    if (!privateKey.matches(certificate)) {
      throw new IdentityError('KEY_MISMATCH', `CA: expected the private key of ${certificate.subject}; found a ${privateKey.algorithm} key for another certificate`);
    }
    if (!certificate.isCA) throw new IdentityError('NOT_A_CA', `CA: expected a certificate with basicConstraints CA:TRUE; found ${certificate.subject} without it`);
    if (rollOver) checkRollOverState(certificate, rollOver);
    return new CertificateAuthority(certificate, privateKey, constraintsOf(certificate), rollOver);
  }

  /** The name constraints this CA enforces, if any. */
  get nameConstraints(): NameConstraintsSpec | undefined {
    return this.#constraints;
  }

  /**
   * Issues a new identity (a fresh key and a leaf certificate) for `hosts`.
   * Refuses names outside the CA's constraints (NAME_NOT_PERMITTED) and certificates its own
   * platform lint marks as errors (LINT_FAILED).
   */
  async issue(options: IssueOptions): Promise<Identity> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `issue: expected { hosts }; found ${describe(options)}`);
    knownKeys('issue', options, ['hosts', 'validityDays', 'clientAuth', 'serverAuth', 'keyAlgorithm', 'commonName', 'now']);
    const keyAlgorithm = checkKeyAlgorithm('keyAlgorithm', options.keyAlgorithm ?? DEFAULT_KEY_ALGORITHM);
    this.#checkLeafOptions(options);
    const key = await PrivateKey.generate(keyAlgorithm);
    const certificate = await this.#issueLeaf(key.spki(), keyAlgorithm, options);
    return Identity.fromParts({ certificates: [certificate, ...this.issuerChain], privateKey: key });
  }

  /**
   * Issues a certificate for a device's CSR after checking the CSR's signature. The CA decides the
   * extensions; only the public key (and, unless `hosts` is given, the requested names) come from the CSR.
   * @throws IdentityError BAD_CSR, MALFORMED; NAME_NOT_PERMITTED; LINT_FAILED
   */
  async sign(csr: string | BinaryInput, options: SignOptions = {}): Promise<SignedCertificate> {
    knownKeys('sign', options, ['hosts', 'validityDays', 'clientAuth', 'serverAuth', 'now']);
    const request = parseSigningRequest(csr);
    const hosts = options.hosts ?? request.requestedHosts;
    const issueOptions: IssueOptions = { ...options, hosts, ...(request.commonName && !options.hosts ? { commonName: request.commonName } : {}) };
    this.#checkLeafOptions(issueOptions);
    const certificate = await this.#issueLeaf(request.spki, undefined, issueOptions);
    const chain = [certificate, ...this.issuerChain];
    return { certificate, chain, chainPem: chain.map((c) => c.toPEM()).join('') };
  }

  #checkLeafOptions(options: IssueOptions): void {
    const serverAuth = options.serverAuth === undefined ? true : booleanOption('serverAuth', options.serverAuth);
    const clientAuth = options.clientAuth === undefined ? false : booleanOption('clientAuth', options.clientAuth);
    if (!serverAuth && !clientAuth) throw new ConfigError('INVALID_OPTION', 'issue: expected serverAuth or clientAuth (or both); found both false');
    if (serverAuth || options.hosts !== undefined) hostsToSans(options.hosts as string[]);
    else if (options.commonName === undefined) throw new ConfigError('INVALID_OPTION', 'issue: a client-only certificate without hosts needs a commonName (e.g. "tablet-3")');
  }

  async #issueLeaf(spki: Uint8Array, keyAlgorithm: KeyAlgorithm | undefined, options: IssueOptions): Promise<Certificate> {
    requireStrongKey(this.#key.keyObject(), `CA ${this.certificate.subject}: its signing key`, this, this.#key);
    requireStrongKey(spki, `CA ${this.certificate.subject}: the key to certify`, this);
    const serverAuth = options.serverAuth ?? true;
    const clientAuth = options.clientAuth ?? false;
    const sans = options.hosts !== undefined ? hostsToSans(options.hosts) : [];
    if (this.#constraints) {
      for (const san of sans) {
        const violation = nameConstraintViolation(san, this.#constraints);
        if (violation) {
          throw new IdentityError('NAME_NOT_PERMITTED', `this CA is name-constrained: ${violation}`, {
            hint: 'use a .local, .home.arpa, .internal or .lan name, or a private address; or create a CA without nameConstraints',
          });
        }
      }
    }
    const commonName = options.commonName !== undefined ? nonEmptyString('commonName', options.commonName) : sans[0]!.value;
    const window = validityWindow({
      name: 'validityDays', days: options.validityDays ?? DEFAULT_LEAF_VALIDITY_DAYS, maxDays: MAX_LEAF_VALIDITY_DAYS,
      now: options.now, issuerNotAfter: this.certificate.notAfter,
    });
    const rsa = keyAlgorithm ? isRsa(keyAlgorithm) : spkiIsRsa(spki);
    const certificate = await buildCertificate({
      subject: simpleName(commonName), issuer: AsnConvert.parse(this.certificate.subjectDer, asnX509.Name),
      subjectSpki: spki, issuerSpki: this.certificate.spki, signingKey: this.#key, ...window,
      profile: leafProfile({ rsa, serverAuth, clientAuth }), sans,
    });
    // A weak subject key got here only through allowWeakKey(ca): lint's weak-key finding is that key.
    const errors = lintCertificate(certificate, { platform: 'apple', hosts: sans.map((s) => s.value) })
      .filter((f) => f.severity === 'error' && !(f.code === 'WEAK_RSA_KEY' || f.code === 'WEAK_EC_KEY'));
    if (errors.length > 0) {
      throw new IdentityError('LINT_FAILED', `issued certificate would be refused by devices: ${errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);
    }
    return certificate;
  }

  /**
   * Saves the CA to `dir`: `ca.pem` (0644) and `ca-key.pem` (0600, PKCS#8 encrypted with the
   * passphrase), each through a temp file + rename. The directory is created 0700.
   */
  async save(dir: string, options: { passphrase: string }): Promise<void> {
    nonEmptyString('dir', dir);
    const passphrase = nonEmptyString('passphrase', options?.passphrase);
    await ensureDirectory(dir, 0o700);
    await writeFileAtomic(join(dir, CA_KEY_FILE), this.#key.toPEM({ passphrase }), 0o600);
    await writeFileAtomic(join(dir, CA_CERT_FILE), this.certificate.toPEM(), 0o644);
    if (this.rollOverState) {
      await writeFileAtomic(join(dir, CA_PREVIOUS_FILE), this.rollOverState.previousRoot.toPEM(), 0o644);
      await writeFileAtomic(join(dir, CA_CROSS_FILE), this.rollOverState.crossCertificate.toPEM(), 0o644);
    } else {
      await rm(join(dir, CA_CROSS_FILE), { force: true });
      await rm(join(dir, CA_PREVIOUS_FILE), { force: true });
    }
  }

  /** Loads a CA saved with {@link CertificateAuthority.save}. @throws BAD_PASSWORD, IO_ERROR, MALFORMED, KEY_MISMATCH */
  static async load(dir: string, options: { passphrase: string }): Promise<CertificateAuthority> {
    nonEmptyString('dir', dir);
    const passphrase = nonEmptyString('passphrase', options?.passphrase);
    const read = async (file: string) => {
      try {
        await stat(join(dir, file));
        return await readFile(join(dir, file), 'utf8');
      } catch (cause) {
        throw new LocalTlsError('IO_ERROR', `CA directory ${dir}: expected ${file}; could not read it (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause, hint: 'create a CA with CertificateAuthority.create() and save() it, or `localtls ca create`' });
      }
    };
    const certificate = Certificate.from(await read(CA_CERT_FILE));
    const key = PrivateKey.fromPEM(await read(CA_KEY_FILE), passphrase);
    const crossPem = await readFile(join(dir, CA_CROSS_FILE), 'utf8').catch(() => undefined);
    const previousPem = crossPem === undefined ? undefined : await read(CA_PREVIOUS_FILE);
    const rollOver = crossPem !== undefined && previousPem !== undefined
      ? { crossCertificate: Certificate.from(crossPem), previousRoot: Certificate.from(previousPem) } : undefined;
    return CertificateAuthority.fromParts(certificate, key, rollOver);
  }

  /** Never prints key material. */
  toString(): string {
    return `CertificateAuthority(${this.certificate.subject}; ${this.certificate.fingerprintSha256})`;
  }
}

/** The cross certificate must carry the root's subject and key, and be signed by the previous root's key. */
function checkRollOverState(root: Certificate, state: RollOverState): void {
  const { crossCertificate: cross, previousRoot } = state;
  const ok = cross.isCA && previousRoot.isCA
    && Buffer.compare(cross.subjectDer, root.subjectDer) === 0 && cross.spkiSha256.hex === root.spkiSha256.hex
    && Buffer.compare(cross.issuerDer, previousRoot.subjectDer) === 0 && verifyCertificateSignature(cross, previousRoot.publicKeyObject());
  if (!ok) {
    throw new IdentityError('ROLLOVER_MISMATCH', `CA ${root.subject}: expected a cross certificate for this root's key signed by the previous root ${previousRoot.fingerprintSha256}; found ${cross.subject} (${cross.fingerprintSha256}), which is not`, {
      hint: 'the roll-over files (ca-cross.pem, ca-previous.pem) belong to another CA; restore them from the directory rollOver() saved',
    });
  }
}

function spkiIsRsa(spki: Uint8Array): boolean {
  return AsnConvert.parse(spki, asnX509.SubjectPublicKeyInfo).algorithm.algorithm === '1.2.840.113549.1.1.1';
}

function constraintsOf(certificate: Certificate): NameConstraintsSpec | undefined {
  const nc = certificate.nameConstraints;
  if (!nc) return undefined;
  const pick = (list: typeof nc.permitted) => ({
    dns: list.filter((s) => s.type === 'dns').map((s) => s.value),
    ip: list.filter((s) => s.type === 'ip' && !s.value.startsWith('invalid')).map((s) => s.value),
  });
  return { permitted: pick(nc.permitted), excluded: pick(nc.excluded) };
}
