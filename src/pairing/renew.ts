/**
 * Renewal of an enrolled identity over the pairing endpoint: mutual TLS with the current
 * certificate (no code), a new key made on the device, the same names and profile.
 * `keepRenewed()` schedules it after two thirds of the lifetime, retries with backoff, and swaps
 * the identity into a listener and a store.
 */
import { EventEmitter } from 'node:events';
import { ConfigError, LocalTlsError } from '../errors.js';
import { describe, integerIn, knownKeys, nonEmptyString } from '../internal/options.js';
import type { Certificate } from '../cert/certificate.js';
import { Identity } from '../identity/identity.js';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../identity/key-algorithm.js';
import { createSigningRequest } from '../ca/index.js';
import { recordRenewal, type IdentityStore, type TrustStore } from '../store/index.js';
import type { TlsVerifyContext } from '../tls/index.js';
import { connect, type Listener, type Resolver } from '../transport/index.js';
import { acceptIssued } from './enroll.js';
import { readMessage, DEFAULT_STEP_TIMEOUT_MS, MAX_PAIRING_MESSAGE, PAIRING_ALPN } from './protocol.js';

/** Options of {@link renewIdentity}. */
export interface RenewOptions {
  /** The CA machine's enrollment endpoint (as for `enroll()`). */
  host: string;
  port: number;
  /** The current identity (issued by pairing); presented as the client certificate. */
  identity: Identity;
  /** The CA's root (from `enroll()` or the trust store). */
  root: Certificate;
  /** Name resolution (tests). */
  lookup?: Resolver;
  /** Time each step may take. Default 30 000 ms. */
  stepTimeoutMs?: number;
}

/**
 * Renews once: returns the new identity (a new key, the same names and profile).
 * @example `const next = await renewIdentity({ host: 'front-desk.local', port: 4434, identity, root })`
 * @throws ConnectionError (endpoint unreachable, certificate refused), LocalTlsError PROTOCOL_ERROR
 */
export async function renewIdentity(options: RenewOptions): Promise<Identity> {
  return (await renewIdentityAndRoot(options)).identity;
}

/** What one renewal gave: the new identity and the CA's root (a new one after a CA roll-over). */
export interface RenewResult {
  identity: Identity;
  /** The CA's root now: `options.root`, or the new root it certified (CA roll-over). */
  root: Certificate;
  /** True when `root` is a new root (the device should trust it: see `keepRenewed({ trustStore })`). */
  rootChanged: boolean;
}

/**
 * Renews once, and reports the CA's root: after a CA roll-over the endpoint sends its new root,
 * accepted only with a cross certificate from `options.root`.
 * @example `const { identity, root, rootChanged } = await renewIdentityAndRoot({ host, port, identity, root })`
 * @throws as {@link renewIdentity}
 */
export async function renewIdentityAndRoot(options: RenewOptions): Promise<RenewResult> {
  const host = nonEmptyString('host', options.host);
  const port = integerIn('port', options.port, 1, 65535);
  if (!(options.identity instanceof Identity)) throw new ConfigError('INVALID_OPTION', `identity: expected an Identity; found ${describe(options.identity)}`);
  const stepTimeoutMs = integerIn('stepTimeoutMs', options.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, 100, 600_000);
  const current = options.identity.certificate;
  const hosts = current.subjectAltNames.map((san) => san.value);
  const request = await createSigningRequest({ hosts: hosts.length > 0 ? hosts : [current.subject.replace(/^CN=/, '')], keyAlgorithm: renewalKeyAlgorithm(options.identity) });
  // The endpoint's names are not checked (it is dialed by whatever address reaches it); its chain must lead to the root.
  const verify = (ctx: TlsVerifyContext) => ctx.evaluate({ kind: 'basicX509' });
  const conn = connect(host, port, {
    identity: options.identity, trustRoots: [options.root], verify, alpn: [PAIRING_ALPN], maxMessageSize: MAX_PAIRING_MESSAGE, resumption: false,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  try {
    await conn.ready;
    const reader = conn.messages()[Symbol.asyncIterator]();
    await readMessage(conn, reader, 'root', stepTimeoutMs);
    await conn.sendMessage({ type: 'renew', csr: request.csrPem });
    const result = await acceptIssued(await readMessage(conn, reader, 'issued', stepTimeoutMs), request.privateKey, options.root);
    return { identity: result.identity, root: result.root, rootChanged: !result.root.equals(options.root) };
  } finally {
    conn.cancel();
  }
}

/** Options of {@link keepRenewed}. */
export interface KeepRenewedOptions extends RenewOptions {
  /** Renew this many milliseconds before expiry. Default: a third of the certificate's lifetime. */
  renewBefore?: number;
  /** Present each renewed identity here (`listener.setIdentity`). */
  listener?: Listener;
  /** Replace the identity under `label` here after each renewal. */
  identityStore?: IdentityStore;
  label?: string;
  /** First retry delay after a failure; doubles up to `maxRetryDelay`. Default 60 000 ms. */
  retryDelay?: number;
  /** Longest retry delay. Default 6 hours. */
  maxRetryDelay?: number;
  /** Add a new root here when a renewal brings one (CA roll-over). Default: none (the 'root' event still fires). */
  trustStore?: TrustStore;
  /** The clock. Default `() => new Date()`. */
  now?: () => Date;
}

const KNOWN = ['host', 'port', 'identity', 'root', 'lookup', 'stepTimeoutMs', 'renewBefore', 'listener', 'identityStore', 'label', 'trustStore', 'retryDelay', 'maxRetryDelay', 'now'];
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Keeps an enrolled identity renewed. Events: `'renewed' (Identity)`; `'warning' (LocalTlsError)`
 * when a renewal failed (it is retried with backoff); `'root' (newRoot, previousRoot)` when a
 * renewal brought the CA's new root after a roll-over (added to `trustStore` when given; the
 * previous root stays trusted until the device removes it). With `identityStore`, each outcome
 * is recorded next to the identity (`renewalStatus()`, `localtls store check`). `check()` runs one due-check now (what the
 * timer calls; tests call it with a controlled clock instead of waiting).
 */
export class RenewalSchedule extends EventEmitter {
  #identity: Identity;
  #root: Certificate;
  #failures = 0;
  #nextCheckAt: Date;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #running: Promise<'renewed' | 'not-due' | 'failed'> | undefined;
  readonly #options: KeepRenewedOptions;
  readonly #now: () => Date;

  /** @internal use {@link keepRenewed} */
  constructor(options: KeepRenewedOptions) {
    super();
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#identity = options.identity;
    this.#root = options.root;
    this.#nextCheckAt = this.dueAt;
  }

  /** The CA's root as last seen (the new one after a roll-over). @example `renewal.root.fingerprintSha256` */
  get root(): Certificate {
    return this.#root;
  }

  /** The identity in use (the latest renewed one). */
  get identity(): Identity {
    return this.#identity;
  }

  /** When the current identity is due for renewal. */
  get dueAt(): Date {
    const cert = this.#identity.certificate;
    const lifetime = cert.notAfter.getTime() - cert.notBefore.getTime();
    return new Date(cert.notAfter.getTime() - (this.#options.renewBefore ?? Math.floor(lifetime / 3)));
  }

  /** When the next check runs: `dueAt`, or a retry after failures. */
  get nextCheckAt(): Date {
    return this.#nextCheckAt;
  }

  /** Failed renewals since the last success. */
  get failures(): number {
    return this.#failures;
  }

  /** Renews when due; never throws (a failure is a 'warning' event and a scheduled retry). */
  check(): Promise<'renewed' | 'not-due' | 'failed'> {
    this.#running ??= this.#check().finally(() => { this.#running = undefined; this.#arm(); });
    return this.#running;
  }

  /** Starts the timer (`keepRenewed` does this). */
  start(): this {
    this.#stopped = false;
    this.#arm();
    return this;
  }

  /** Stops the timer; a renewal in progress completes. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  async #check(): Promise<'renewed' | 'not-due' | 'failed'> {
    const now = this.#now();
    if (now.getTime() < this.#nextCheckAt.getTime()) return 'not-due';
    try {
      const { identity: next, root, rootChanged } = await renewIdentityAndRoot({ ...this.#options, identity: this.#identity, root: this.#root });
      if (rootChanged && this.#options.trustStore) await this.#options.trustStore.add(root);
      this.#options.listener?.setIdentity(next);
      if (this.#options.identityStore) {
        await this.#options.identityStore.replace(this.#options.label ?? '', next);
        await recordRenewal(this.#options.identityStore, this.#options.label ?? '', { at: now, ok: true });
      }
      const previous = this.#root;
      this.#identity = next;
      this.#root = root;
      this.#failures = 0;
      this.#nextCheckAt = this.dueAt;
      if (rootChanged) this.emit('root', root, previous);
      this.emit('renewed', next);
      return 'renewed';
    } catch (error) {
      this.#failures++;
      const base = this.#options.retryDelay ?? 60_000;
      const delay = Math.min(this.#options.maxRetryDelay ?? 6 * 3600_000, base * 2 ** Math.min(this.#failures - 1, 30));
      this.#nextCheckAt = new Date(now.getTime() + delay);
      const cause = error instanceof LocalTlsError ? error : undefined;
      if (this.#options.identityStore) {
        await recordRenewal(this.#options.identityStore, this.#options.label ?? '', {
          at: now, ok: false, code: cause?.code ?? 'PROTOCOL_ERROR', message: cause?.message ?? String(error), failures: this.#failures, nextTryAt: this.#nextCheckAt,
        }).catch(() => { /* recording is best effort: the warning below still reports the failure */ });
      }
      this.emit('warning', new LocalTlsError(cause?.code ?? 'PROTOCOL_ERROR',
        `renewal of ${this.#identity.certificate.subject} (expires ${this.#identity.certificate.notAfter.toISOString()}): expected a new certificate from ${this.#options.host}:${this.#options.port}; failed ${this.#failures} time(s): ${cause?.message ?? String(error)}; next try at ${this.#nextCheckAt.toISOString()}`,
        { cause: error }));
      return 'failed';
    }
  }

  #arm(): void {
    clearTimeout(this.#timer);
    if (this.#stopped) return;
    const delay = Math.max(0, Math.min(MAX_TIMER_MS, this.#nextCheckAt.getTime() - this.#now().getTime()));
    this.#timer = setTimeout(() => { void this.check(); }, delay);
    this.#timer.unref();
  }
}

/**
 * Keeps an identity from `enroll()` renewed against the same endpoint, for as long as the process runs.
 *
 * @example
 * ```ts
 * const { identity, root } = await enroll({ host, port, code });
 * const listener = createListener({ identity, port: 4433 });
 * const renewal = keepRenewed({ host, port, identity, root, listener });
 * renewal.on('warning', (e) => console.warn(e.message));
 * ```
 * @throws ConfigError INVALID_OPTION
 */
export function keepRenewed(options: KeepRenewedOptions): RenewalSchedule {
  if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `keepRenewed: expected { host, port, identity, root }; found ${describe(options)}`);
  knownKeys('keepRenewed', options, KNOWN);
  if (options.identityStore && options.label === undefined) throw new ConfigError('INVALID_OPTION', 'keepRenewed: identityStore needs the label to replace; found none');
  if (options.renewBefore !== undefined) integerIn('renewBefore', options.renewBefore, 0, 100 * 365 * 86_400_000);
  return new RenewalSchedule(options).start();
}

/** The renewed key keeps the current one's algorithm when localtls can generate it (a weak or odd-sized RSA key is renewed as the default). */
function renewalKeyAlgorithm(identity: Identity): KeyAlgorithm | undefined {
  const algorithm = identity.privateKey.algorithm;
  return (KEY_ALGORITHMS as readonly string[]).includes(algorithm) ? algorithm as KeyAlgorithm : undefined;
}
