/**
 * The CA side of pairing: `startEnrollment()` opens a TLS endpoint that signs one device's CSR
 * for one short code, after the device proved the code and the operator approved.
 */
import { EventEmitter } from 'node:events';
import { ConfigError, LocalTlsError } from '../errors.js';
import { sha256, toColonHex } from '../internal/bytes.js';
import { describe, functionOption, integerIn, knownKeys } from '../internal/options.js';
import { CertificateAuthority, parseSigningRequest } from '../ca/index.js';
import type { Certificate } from '../cert/certificate.js';
import { createListener, type Connection, type Listener } from '../transport/index.js';
import { codeKey, newPairingCode, normalizePairingCode, pairingProof, proofMatches, EXPORTER_LABEL } from './code.js';
import { CodeState, DEFAULT_CODE_TTL_MS, DEFAULT_MAX_ATTEMPTS } from './code-state.js';
import { readMessage, refuse, DEFAULT_STEP_TIMEOUT_MS, MAX_PAIRING_MESSAGE, PAIRING_ALPN } from './protocol.js';

/** What the operator sees before approving a device. */
export interface EnrollmentRequest {
  /** The device's address as seen by this endpoint. */
  remoteAddress: string | undefined;
  /** The subject common name the device asked for. */
  commonName: string | undefined;
  /** The names and addresses the device asked for. */
  hosts: string[];
  /** SHA-256 of the device's public key (colon hex): compare it with what the device prints. */
  publicKeySha256: string;
}

/** The operator's decision: issue with a profile, or refuse (false). */
export type EnrollmentDecision = false | {
  /** 'server' (serverAuth + clientAuth, for a device that also listens) or 'client' (clientAuth only). */
  profile: 'server' | 'client';
  /** Override the names and addresses to certify (default: what the device asked for). */
  hosts?: string[];
};

/** Options of {@link startEnrollment}. */
export interface EnrollmentOptions {
  /** The CA that signs the device's CSR. */
  ca: CertificateAuthority;
  /** Decides on each request that proved the code. Required: pairing never issues silently. */
  approve: (request: EnrollmentRequest) => EnrollmentDecision | Promise<EnrollmentDecision>;
  /** Port to listen on (0 = any free port). Default 0. */
  port?: number;
  /** Address to bind. Default: all addresses. */
  host?: string;
  /** Names and addresses of this machine for the endpoint's own certificate. Default ['127.0.0.1', '::1'] (the device checks the certificate against the root, not these names). */
  hosts?: string[];
  /** Use this code instead of a random one (tests, or a code agreed out of band). Default: random 8 characters. */
  code?: string;
  /** Lifetime of the code in milliseconds. Default 600 000 (10 min). */
  ttlMs?: number;
  /** Wrong proofs after which the code is dead. Default 5 (1..10). */
  maxAttempts?: number;
  /** Validity of issued certificates in days. Default 397. */
  validityDays?: number;
  /** Time a device may take for each message. Default 30 000 ms. */
  stepTimeoutMs?: number;
  /** The clock. Default `() => new Date()`. */
  now?: () => Date;
}

/** A device the endpoint issued a certificate to. */
export interface EnrolledDevice {
  certificate: Certificate;
  profile: 'server' | 'client';
  remoteAddress: string | undefined;
}

const KNOWN = ['ca', 'approve', 'port', 'host', 'hosts', 'code', 'ttlMs', 'maxAttempts', 'validityDays', 'stepTimeoutMs', 'now'];

/**
 * A running enrollment endpoint. Events: `'enrolled' (EnrolledDevice)` once the code paired a
 * device; `'renewed' (EnrolledDevice)` when an enrolled device renewed its certificate over
 * mutual TLS (no code; the endpoint keeps serving renewals until closed); `'refused' (LocalTlsError, remoteAddress)` for every attempt that failed (wrong code,
 * dead code, denied, protocol error).
 */
export class Enrollment extends EventEmitter {
  /** The code to type on the device, as `XXXX-XXXX`. Show it only to the operator. */
  readonly code: string;
  /** SHA-256 fingerprint of the CA's root (colon hex): the device prints it too. */
  readonly rootFingerprint: string;
  /** When the code stops working. */
  readonly expiresAt: Date;
  /** Resolves with the device once one enrolled. */
  readonly enrolled: Promise<EnrolledDevice>;
  readonly #listener: Listener;
  readonly #state: CodeState;

  /** @internal use {@link startEnrollment} */
  constructor(code: string, listener: Listener, state: CodeState, rootFingerprint: string) {
    super();
    this.code = code;
    this.#listener = listener;
    this.#state = state;
    this.rootFingerprint = rootFingerprint;
    this.expiresAt = state.expiresAt;
    this.enrolled = new Promise((resolve) => this.once('enrolled', resolve));
  }

  /** The port the endpoint listens on. */
  get port(): number {
    return this.#listener.port!;
  }

  /** 'live', 'used', 'expired' or 'exhausted'. */
  get status(): string {
    return this.#state.status;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    this.#listener.cancel({ force: true });
  }
}

/**
 * Opens an enrollment endpoint for one device and one code.
 *
 * @example
 * ```ts
 * const enrollment = await startEnrollment({ ca, port: 4434, approve: () => ({ profile: 'client' }) });
 * console.log(enrollment.code, enrollment.rootFingerprint); // show both to the person at the device
 * const device = await enrollment.enrolled;
 * await enrollment.close();
 * ```
 * @throws ConfigError INVALID_OPTION; ConnectionError ADDRESS_IN_USE
 */
export async function startEnrollment(options: EnrollmentOptions): Promise<Enrollment> {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `startEnrollment: expected { ca, approve }; found ${describe(options)}`);
  knownKeys('startEnrollment', options, KNOWN);
  if (!(options.ca instanceof CertificateAuthority)) throw new ConfigError('INVALID_OPTION', `ca: expected a CertificateAuthority; found ${describe(options.ca)}`);
  const approve = functionOption<EnrollmentOptions['approve']>('approve', options.approve);
  const now = options.now === undefined ? () => new Date() : functionOption<() => Date>('now', options.now);
  const code = options.code === undefined ? newPairingCode() : options.code;
  const normalized = normalizePairingCode(code);
  const state = new CodeState({
    ttlMs: integerIn('ttlMs', options.ttlMs ?? DEFAULT_CODE_TTL_MS, 1000, 24 * 3600_000),
    maxAttempts: integerIn('maxAttempts', options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, 1, 10),
    now,
  });
  const stepTimeoutMs = integerIn('stepTimeoutMs', options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, 100, 600_000);
  const validityDays = options.validityDays;
  const ca = options.ca;
  const root = ca.certificate;
  const rootPem = root.toPEM();
  const key = await codeKey(normalized, root.fingerprintSha256);
  const identity = await ca.issue({ hosts: options.hosts ?? ['127.0.0.1', '::1'], validityDays: 2, now: now() });
  const listener = createListener({
    identity,
    port: options.port ?? 0, ...(options.host ? { host: options.host } : {}),
    alpn: [PAIRING_ALPN], maxConnections: 8, maxMessageSize: MAX_PAIRING_MESSAGE,
    // renewal: a device presents the certificate this CA issued it (verified against the root, and
    // during a roll-over window also against the previous root: devices not yet renewed)
    requestClientCertificate: true, trustRoots: ca.acceptedRoots,
  });
  await listener.ready;
  const enrollment = new Enrollment(`${normalized.slice(0, 4)}-${normalized.slice(4)}`, listener, state, root.fingerprintSha256);

  const serve = async (conn: Connection): Promise<void> => {
    const reader = conn.messages()[Symbol.asyncIterator]();
    await conn.sendMessage({ type: 'root', root: rootPem });
    const current = conn.tls!.peerCertificates[0];
    if (current) return renewDevice(conn, reader, current);
    const hello = await readMessage(conn, reader, 'hello', stepTimeoutMs);
    const dead = state.deadError();
    if (dead) throw dead;
    const exporter = conn.tls!.exportKeyingMaterial(32, EXPORTER_LABEL, Buffer.from(root.fingerprintSha256));
    if (!proofMatches(pairingProof(key, 'device', exporter, root.fingerprintSha256), hello.proof)) throw state.wrong();
    state.consume();
    await conn.sendMessage({ type: 'proof', proof: pairingProof(key, 'server', exporter, root.fingerprintSha256).toString('base64') });
    const csrMessage = await readMessage(conn, reader, 'csr', stepTimeoutMs);
    if (typeof csrMessage.csr !== 'string') throw new LocalTlsError('BAD_CSR', `pairing: expected a PEM CSR; found ${describe(csrMessage.csr)}`);
    const request = parseSigningRequest(csrMessage.csr);
    const decision = await approve({
      remoteAddress: conn.remoteAddress, commonName: request.commonName, hosts: [...request.requestedHosts],
      publicKeySha256: toColonHex(sha256(request.spki)),
    });
    if (decision === false) throw new LocalTlsError('PAIRING_DENIED', 'pairing: expected the operator to approve this device; they declined');
    if (!decision || (decision.profile !== 'server' && decision.profile !== 'client')) {
      throw new ConfigError('INVALID_OPTION', `approve: expected false or { profile: 'server' | 'client' }; found ${describe(decision)}`);
    }
    const hosts = decision.hosts ?? [...request.requestedHosts];
    const signed = await ca.sign(csrMessage.csr, {
      ...(hosts.length > 0 ? { hosts } : {}), clientAuth: true, serverAuth: decision.profile === 'server',
      ...(validityDays !== undefined ? { validityDays } : {}), now: now(),
    });
    await conn.sendMessage({ type: 'issued', chain: signed.chainPem, root: rootPem, profile: decision.profile });
    conn.cancel();
    enrollment.emit('enrolled', { certificate: signed.certificate, profile: decision.profile, remoteAddress: conn.remoteAddress } satisfies EnrolledDevice);
  };

  /** Renewal over mutual TLS, no code: the same names and profile as the current certificate, a new key. */
  const renewDevice = async (conn: Connection, reader: AsyncIterator<unknown>, current: Certificate): Promise<void> => {
    const message = await readMessage(conn, reader, 'renew', stepTimeoutMs);
    if (typeof message.csr !== 'string') throw new LocalTlsError('BAD_CSR', `renewal: expected a PEM CSR; found ${describe(message.csr)}`);
    const profile = current.extendedKeyUsage?.includes('serverAuth') ? 'server' : 'client';
    const hosts = current.subjectAltNames.map((san) => san.value);
    const signed = await ca.sign(message.csr, {
      ...(hosts.length > 0 ? { hosts } : {}), clientAuth: true, serverAuth: profile === 'server',
      ...(validityDays !== undefined ? { validityDays } : {}), now: now(),
    });
    await conn.sendMessage({ type: 'issued', chain: signed.chainPem, root: rootPem, profile });
    conn.cancel();
    enrollment.emit('renewed', { certificate: signed.certificate, profile, remoteAddress: conn.remoteAddress } satisfies EnrolledDevice);
  };

  listener.on('connection', (conn: Connection) => {
    serve(conn).catch(async (error: unknown) => {
      const failure = error instanceof LocalTlsError ? error : new LocalTlsError('PROTOCOL_ERROR', `pairing: unexpected failure: ${String(error)}`);
      enrollment.emit('refused', failure, conn.remoteAddress);
      await refuse(conn, failure);
    });
  });
  listener.on('handshakeError', () => { /* a port scanner or a wrong client: nothing to pair */ });
  return enrollment;
}
