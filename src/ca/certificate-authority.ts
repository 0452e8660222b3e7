/**
 * CertificateAuthority: a local root CA that issues server and device identities every platform
 * accepts, signs CSRs, and is saved with its private key encrypted at rest.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import * as asnX509 from '@peculiar/asn1-x509';
import { ConfigError, IdentityError, LocalTlsError } from '../errors.js';
import { booleanOption, describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { ensureDirectory, writeFileAtomic } from '../internal/atomic-file.js';
import { Certificate } from '../cert/certificate.js';
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

/** A certificate issued for a CSR: the leaf and the chain above it (leaf first). */
export interface SignedCertificate {
  certificate: Certificate;
  chain: Certificate[];
  /** The chain as PEM, leaf first. */
  chainPem: string;
}

const CA_CERT_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';

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
  readonly #key: PrivateKey;
  readonly #constraints: NameConstraintsSpec | undefined;

  private constructor(certificate: Certificate, key: PrivateKey, constraints: NameConstraintsSpec | undefined) {
    this.certificate = certificate;
    this.#key = key;
    this.#constraints = constraints;
    Object.freeze(this);
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
  static fromParts(certificate: Certificate, privateKey: PrivateKey): CertificateAuthority {
    if (!privateKey.matches(certificate)) {
      throw new IdentityError('KEY_MISMATCH', `CA: expected the private key of ${certificate.subject}; found a ${privateKey.algorithm} key for another certificate`);
    }
    if (!certificate.isCA) throw new IdentityError('NOT_A_CA', `CA: expected a certificate with basicConstraints CA:TRUE; found ${certificate.subject} without it`);
    return new CertificateAuthority(certificate, privateKey, constraintsOf(certificate));
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
    return Identity.fromParts({ certificates: [certificate, this.certificate], privateKey: key });
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
    const chain = [certificate, this.certificate];
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
    return CertificateAuthority.fromParts(certificate, key);
  }

  /** Never prints key material. */
  toString(): string {
    return `CertificateAuthority(${this.certificate.subject}; ${this.certificate.fingerprintSha256})`;
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
