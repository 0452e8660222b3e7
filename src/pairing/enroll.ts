/**
 * The device side of pairing: `enroll()` makes a key on the device, proves the code, checks the
 * endpoint's proof, and only then sends a CSR. The key never leaves the device.
 */
import { hostname } from 'node:os';
import { ConfigError, LocalTlsError, TrustError } from '../errors.js';
import { describe, integerIn, knownKeys, nonEmptyString } from '../internal/options.js';
import { Certificate } from '../cert/certificate.js';
import { Identity } from '../identity/identity.js';
import type { KeyAlgorithm } from '../identity/key-algorithm.js';
import { createSigningRequest } from '../ca/index.js';
import { evaluateTrust } from '../trust/index.js';
import { IdentityStore, TrustStore } from '../store/index.js';
import type { TlsVerifyContext } from '../tls/index.js';
import { connect, type Resolver } from '../transport/index.js';
import { codeKey, normalizePairingCode, pairingProof, proofMatches, EXPORTER_LABEL } from './code.js';
import { readMessage, DEFAULT_STEP_TIMEOUT_MS, MAX_PAIRING_MESSAGE, PAIRING_ALPN, PAIRING_PROTOCOL_VERSION } from './protocol.js';

/** Options of {@link enroll}. */
export interface EnrollOptions {
  /** The CA machine's name or address (as shown by `localtls pair`). */
  host: string;
  /** The enrollment endpoint's port. */
  port: number;
  /** The one-time code shown on the CA machine (dashes, spaces and case do not matter). */
  code: string;
  /** Refuse unless the root's SHA-256 fingerprint is this one (from the QR code or the CA's screen). Default: the code alone authenticates. */
  rootFingerprint?: string;
  /** Names and addresses to ask for. Default: `<this machine's hostname>.local`. */
  hosts?: string[];
  /** Subject common name to ask for. Default: the first host. */
  commonName?: string;
  /** Key algorithm of the device's new key. Default 'ecdsa-p256'. */
  keyAlgorithm?: KeyAlgorithm;
  /** Store the issued identity here under `label`. */
  identityStore?: IdentityStore;
  /** The label in `identityStore`. Default: the issued certificate's first host or common name. */
  label?: string;
  /** Add the root to this trust store. */
  trustStore?: TrustStore;
  /** Name resolution (tests). */
  lookup?: Resolver;
  /** Time each step may take (the operator's approval included). Default 30 000 ms. */
  stepTimeoutMs?: number;
}

/** What pairing gave the device. */
export interface EnrollResult {
  /** The device's identity: its own key and the chain the CA issued. */
  identity: Identity;
  /** The CA's root: trust it for the CA's listeners. */
  root: Certificate;
  /** The profile the operator chose. */
  profile: 'server' | 'client';
  /** The label it was stored under, when an identity store was given. */
  label: string | undefined;
}

const KNOWN = ['host', 'port', 'code', 'rootFingerprint', 'hosts', 'commonName', 'keyAlgorithm', 'identityStore', 'label', 'trustStore', 'lookup', 'stepTimeoutMs'];

function defaultHost(): string {
  const name = hostname().toLowerCase().split('.')[0]!.replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63);
  return `${name || 'device'}.local`;
}

/**
 * Pairs this device with a CA's enrollment endpoint (`startEnrollment()` / `localtls pair`).
 *
 * @example
 * ```ts
 * const { identity, root } = await enroll({ host: '192.168.1.20', port: 4434, code: 'K7QM-2XDA', hosts: ['tablet-3.local'] });
 * const conn = connect('front-desk.local', 4433, { identity, trustRoots: [root] });
 * ```
 * @throws LocalTlsError PAIRING_PROOF_FAILED (the endpoint did not know the code: nothing was sent),
 *   PAIRING_CODE_WRONG, PAIRING_CODE_EXPIRED, PAIRING_CODE_USED, PAIRING_CODE_EXHAUSTED, PAIRING_DENIED;
 *   TrustError PIN_MISMATCH; ConnectionError (connection failures)
 */
export async function enroll(options: EnrollOptions): Promise<EnrollResult> {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `enroll: expected { host, port, code }; found ${describe(options)}`);
  knownKeys('enroll', options, KNOWN);
  const host = nonEmptyString('host', options.host);
  const port = integerIn('port', options.port, 1, 65535);
  const code = normalizePairingCode(options.code);
  const pinned = options.rootFingerprint === undefined ? undefined : normalizeFingerprint(options.rootFingerprint);
  const stepTimeoutMs = integerIn('stepTimeoutMs', options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, 100, 600_000);
  if (options.identityStore !== undefined && !(options.identityStore instanceof IdentityStore)) throw new ConfigError('INVALID_OPTION', `identityStore: expected an IdentityStore; found ${describe(options.identityStore)}`);
  if (options.trustStore !== undefined && !(options.trustStore instanceof TrustStore)) throw new ConfigError('INVALID_OPTION', `trustStore: expected a TrustStore; found ${describe(options.trustStore)}`);
  const request = await createSigningRequest({
    hosts: options.hosts ?? [defaultHost()],
    ...(options.commonName ? { commonName: options.commonName } : {}),
    ...(options.keyAlgorithm ? { keyAlgorithm: options.keyAlgorithm } : {}),
  });

  // The endpoint's root is not trusted yet: take the chain as presented, check it against the
  // root the endpoint names, and let the code proofs (bound to that root and to this TLS session)
  // decide. Nothing but a proof of the code leaves the device before the endpoint proved it too.
  let presented: Certificate[] = [];
  const verify = (ctx: TlsVerifyContext): boolean => {
    presented = [...ctx.peerCertificates];
    return presented.length > 0;
  };
  const conn = connect(host, port, { verify, alpn: [PAIRING_ALPN], maxMessageSize: MAX_PAIRING_MESSAGE, resumption: false, ...(options.lookup ? { lookup: options.lookup } : {}) });
  try {
    await conn.ready;
    const reader = conn.messages()[Symbol.asyncIterator]();
    const root = await endpointRoot(await readMessage(conn, reader, 'root', stepTimeoutMs), presented, pinned, `${host}:${port}`);
    const fingerprint = root.fingerprintSha256;
    const key = await codeKey(code, fingerprint);
    const exporter = conn.tls!.exportKeyingMaterial(32, EXPORTER_LABEL, Buffer.from(fingerprint));
    await conn.sendMessage({ type: 'hello', version: PAIRING_PROTOCOL_VERSION, proof: pairingProof(key, 'device', exporter, fingerprint).toString('base64') });
    const proof = await readMessage(conn, reader, 'proof', stepTimeoutMs);
    if (!proofMatches(pairingProof(key, 'server', exporter, fingerprint), proof.proof)) {
      throw new LocalTlsError('PAIRING_PROOF_FAILED', `enrollment endpoint ${host}:${port}: expected a proof that it knows the code for root ${fingerprint}; found a wrong proof (no CSR was sent)`,
        { hint: 'someone may be between this device and the CA; check the address and the root fingerprint shown by `localtls pair`' });
    }
    await conn.sendMessage({ type: 'csr', csr: request.csrPem });
    const issued = await readMessage(conn, reader, 'issued', stepTimeoutMs);
    const result = await acceptIssued(issued, request.privateKey, root);
    let label: string | undefined;
    if (options.identityStore) {
      label = options.label ?? result.identity.certificate.subjectAltNames[0]?.value ?? result.identity.certificate.subject;
      await options.identityStore.add(result.identity, { label, replace: true });
    }
    if (options.trustStore) await options.trustStore.add(root);
    return { ...result, label };
  } finally {
    conn.cancel();
  }
}

/**
 * Checks the issued chain: for our key, under the root whose proof we checked. During a CA
 * roll-over the endpoint sends its new root: accepted only when the issued chain carries a cross
 * certificate for the new root's subject and key that chains to the root this device already trusts.
 */
export async function acceptIssued(issued: Record<string, unknown>, privateKey: Identity['privateKey'], root: Certificate): Promise<Omit<EnrollResult, 'label'>> {
  if (typeof issued.chain !== 'string' || typeof issued.root !== 'string') throw new LocalTlsError('PROTOCOL_ERROR', 'pairing: expected the issued chain and root as PEM; found something else');
  const sentRoot = Certificate.from(issued.root);
  const identity = Identity.fromParts({ certificates: Certificate.fromPEMBundle(issued.chain), privateKey });
  const profile = issued.profile === 'server' ? 'server' : 'client';
  if (sentRoot.fingerprintSha256 === root.fingerprintSha256) return { identity, root, profile };
  const cross = identity.chain.find((c) => c.isCA && Buffer.compare(c.subjectDer, sentRoot.subjectDer) === 0 && c.spkiSha256.hex === sentRoot.spkiSha256.hex && !c.equals(sentRoot));
  const policy = { kind: 'basicX509' } as const;
  // The structure is checked at the first instant the whole issued chain is valid (the CA's clock
  // decided notBefore; validity against this device's clock is checked at each use).
  const time = new Date(Math.max(...identity.chain.map((c) => c.notBefore.getTime())));
  const underKnown = cross && sentRoot.isSelfSigned ? await evaluateTrust(identity.chain, { anchors: [root], policy, time }) : undefined;
  const underSent = underKnown?.trusted ? await evaluateTrust(identity.chain, { anchors: [sentRoot], policy, time }) : undefined;
  if (!underKnown?.trusted || !underSent?.trusted) {
    throw new LocalTlsError('PROTOCOL_ERROR', `pairing: expected the root ${root.fingerprintSha256}, or a new root certified by it (a CA roll-over); the endpoint sent ${sentRoot.fingerprintSha256} without a cross certificate from the known root`);
  }
  return { identity, root: sentRoot, profile };
}

/** The root the endpoint names: a self-signed CA that issued the certificate it presented (and the pinned one, when given). */
async function endpointRoot(message: Record<string, unknown>, presented: Certificate[], pinned: string | undefined, where: string): Promise<Certificate> {
  if (typeof message.root !== 'string') throw new LocalTlsError('PROTOCOL_ERROR', `enrollment endpoint ${where}: expected its root as PEM; found ${describe(message.root)}`);
  const root = Certificate.from(message.root);
  if (pinned !== undefined && root.fingerprintSha256 !== pinned) {
    throw new TrustError('PIN_MISMATCH', `enrollment endpoint ${where}: expected the root ${pinned}; found ${root.fingerprintSha256} (no CSR was sent)`);
  }
  const result = await evaluateTrust(presented, { anchors: [root], policy: { kind: 'basicX509' } });
  if (!root.isSelfSigned || !result.trusted) {
    throw new LocalTlsError('PAIRING_PROOF_FAILED', `enrollment endpoint ${where}: expected a certificate issued by the root it names (${root.subject}); found one that is not (${result.error?.code ?? 'not self-signed'}; no CSR was sent)`);
  }
  return root;
}

function normalizeFingerprint(value: unknown): string {
  const hex = typeof value === 'string' ? value.replace(/[\s:]/g, '').toUpperCase() : '';
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new ConfigError('INVALID_OPTION', `rootFingerprint: expected a SHA-256 fingerprint (64 hex digits, colons optional); found ${describe(value)}`);
  return hex.match(/../g)!.join(':');
}
