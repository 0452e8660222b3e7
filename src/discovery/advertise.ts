/**
 * Advertising a listener on the local network with @homebridge/ciao (RFC 6762 probing and
 * announcing, RFC 6763 service records): its host name, an optional DNS-SD service, and the
 * leaf certificate's SPKI SHA-256 in the TXT record (`pk=`).
 *
 * ciao renames a host on conflict (`listener-name-(2).local`). The certificate's SAN names the
 * original host, so a rename is never accepted: the advertisement stops and reports NAME_CONFLICT.
 */
import { EventEmitter } from 'node:events';
import { networkInterfaces, hostname as osHostname } from 'node:os';
import type { CiaoService, Responder } from '@homebridge/ciao';
import { ConfigError, ConnectionError, LocalTlsError } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { hostMatchesSans } from '../cert/name-match.js';
import { describe, integerIn, knownKeys, booleanOption } from '../internal/options.js';
import { parseServiceType, validateAdvertisedHostName, type ParsedServiceType } from './local-name.js';
import { interfacesFromEnvironment } from './mdns-session.js';

/** What can be advertised: anything with a port, ideally with the identity it serves. */
export interface AdvertiseTarget {
  /** The TCP port the listener accepts on (1–65535). */
  readonly port: number;
  /** The listener's identity; gives the default host name, the `pk=` pin and the SAN check. */
  readonly identity?: Identity | undefined;
}

/** The DNS-SD service to publish. */
export interface AdvertisedService {
  /** Service type, e.g. `_orders._tcp`. */
  type: string;
  /** Instance name shown to users, e.g. `Front Desk` (1–63 bytes). */
  name: string;
  /** Extra TXT entries (key → string value). `pk` is set by localtls unless `pin` is false. */
  txt?: Record<string, string>;
}

/** Options for {@link advertise} (and `createListener({ advertise })`). */
export interface AdvertiseOptions {
  /** The host name to claim, `name.local`. Default: the identity's first single-label `.local` DNS SAN, else `<os hostname>.local`. */
  hostName?: string;
  /** The service to publish. Default: `{ type: '_localtls._tcp', name: <host label> }` (ciao needs a service to publish a host). */
  service?: AdvertisedService;
  /** Interface names or IPv4 addresses to advertise on. Default: every non-loopback interface with an address (always passed to ciao explicitly). */
  interfaces?: string | readonly string[];
  /** Put `pk=<base64 SPKI SHA-256 of the leaf>` in the TXT record (default true; needs `identity`). */
  pin?: boolean;
  /** Advertise IPv6 addresses too (default true). */
  ipv6?: boolean;
}

/** Lifecycle of an advertisement. */
export type AdvertisementState = 'setup' | 'probing' | 'announced' | 'failed' | 'stopped';

const TRANSITIONS: Record<AdvertisementState, readonly AdvertisementState[]> = {
  setup: ['probing', 'failed', 'stopped'],
  probing: ['announced', 'failed', 'stopped'],
  announced: ['failed', 'stopped'],
  failed: ['stopped'],
  stopped: [],
};

const KNOWN = ['hostName', 'service', 'interfaces', 'pin', 'ipv6'];

/**
 * A running advertisement. Events: `'state'` (state, error?) on every change; `'warning'`
 * (LocalTlsError) for problems that do not stop it (SAN lacks the host name); `'conflict'`
 * (LocalTlsError NAME_CONFLICT) when another device claims the name.
 *
 * @example
 * ```ts
 * const ad = advertise({ port: 4433, identity }, { hostName: 'listener-name.local', service: { type: '_orders._tcp', name: 'Front Desk' } });
 * ad.on('state', (s, err) => console.log(s, err?.code));
 * await ad.ready;   // announced
 * await ad.stop();  // goodbye packets sent
 * ```
 */
export class Advertisement extends EventEmitter {
  /** The host name claimed (lower case), e.g. `listener-name.local`. */
  readonly hostName: string;
  /** The published service type. */
  readonly serviceType: ParsedServiceType;
  /** The published instance name. */
  readonly serviceName: string;
  /** The TXT entries published (including `pk` when pinning). */
  readonly txt: Readonly<Record<string, string>>;
  /** The port advertised. */
  readonly port: number;
  /** Interfaces passed to ciao. */
  readonly interfaces: readonly string[];
  /** Resolves once announced; rejects with NAME_CONFLICT or another LocalTlsError. */
  readonly ready: Promise<void>;
  #state: AdvertisementState = 'setup';
  #service: CiaoService | undefined;
  #responder: Responder | undefined;
  #resolveReady!: () => void;
  #rejectReady!: (e: Error) => void;
  #stopping: Promise<void> | undefined;

  /** @internal use {@link advertise}. */
  constructor(init: { hostName: string; serviceType: ParsedServiceType; serviceName: string; txt: Record<string, string>; port: number; interfaces: string[] }) {
    super();
    this.hostName = init.hostName;
    this.serviceType = init.serviceType;
    this.serviceName = init.serviceName;
    this.txt = Object.freeze({ ...init.txt });
    this.port = init.port;
    this.interfaces = Object.freeze([...init.interfaces]);
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => undefined); // handled by whoever awaits it; never an unhandled rejection
  }

  /** The current state. */
  get state(): AdvertisementState {
    return this.#state;
  }

  #transition(next: AdvertisementState, error?: LocalTlsError): void {
    if (!TRANSITIONS[this.#state].includes(next)) return;
    this.#state = next;
    if (next === 'announced') this.#resolveReady();
    if (next === 'failed' || next === 'stopped') this.#rejectReady(error ?? new ConnectionError('CANCELLED', `advertising ${this.hostName} was stopped before it was announced`));
    this.emit('state', next, error);
  }

  /** @internal */
  async _start(ipv6: boolean): Promise<void> {
    try {
      const ciao = (await import('@homebridge/ciao')).default;
      if (this.#state !== 'setup') return;
      this.#responder = ciao.getResponder({ interface: [...this.interfaces], disableIpv6: !ipv6 });
      const service = this.#responder.createService({
        name: this.serviceName,
        type: this.serviceType.name,
        protocol: this.serviceType.protocol as never,
        hostname: this.hostName.slice(0, -'.local'.length),
        port: this.port,
        txt: { ...this.txt },
        disabledIpv6: !ipv6,
      });
      this.#service = service;
      const onRename = (): void => {
        const proposed = `${service.getHostname().replace(/\.$/, '')}`;
        const error = new ConnectionError('NAME_CONFLICT', `another device on the network already uses ${this.hostName} or the service name '${this.serviceName}'; mDNS would rename this listener to ${proposed}, which its certificate does not cover, so it stopped advertising`, {
          hint: 'give each listener its own host name (and a certificate for it), or stop the other device',
          details: { hostName: this.hostName, proposed, serviceName: this.serviceName },
        });
        void this.#teardown();
        this.#transition('failed', error);
        this.emit('conflict', error);
      };
      service.once('hostname-change', onRename);
      service.on('name-change', () => { /* reported through hostname-change, which ciao emits with it */ });
      this.#transition('probing');
      await service.advertise();
      if ((this.#state as AdvertisementState) === 'probing') this.#transition('announced');
    } catch (err) {
      if (this.#state === 'failed' || this.#state === 'stopped') return;
      const error = err instanceof LocalTlsError ? err : new ConnectionError('PROTOCOL_ERROR', `advertising ${this.hostName} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      await this.#teardown();
      this.#transition('failed', error);
    }
  }

  /**
   * Stops advertising: goodbye packets (TTL 0) go out so browsers drop the service at once.
   * Idempotent; resolves when the goodbyes were sent.
   *
   * @example
   * ```ts
   * await ad.stop();
   * ```
   */
  async stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await this.#teardown();
      this.#transition('stopped');
    })();
    return this.#stopping;
  }

  async #teardown(): Promise<void> {
    const service = this.#service;
    const responder = this.#responder;
    this.#service = undefined;
    this.#responder = undefined;
    try { await service?.destroy(); } catch { /* already gone */ }
    try { await responder?.shutdown(); } catch { /* already shut down */ }
  }
}

/**
 * Advertises a listener: claims `hostName` (probing first, RFC 6762 §8), publishes the service
 * with the leaf's SPKI SHA-256 in TXT `pk=` (base64), and answers queries until `stop()`.
 * Interfaces are always passed to ciao explicitly (it would otherwise skip `@ifN` interfaces).
 * When the identity's certificate does not cover `hostName`, a `'warning'` is emitted (and
 * `process.emitWarning` used when nobody listens): clients verifying the name would fail.
 *
 * @throws ConfigError INVALID_OPTION for a bad host name, service type, TXT entry or port.
 * @example
 * ```ts
 * const ad = advertise(listener, { service: { type: '_orders._tcp', name: 'Front Desk' } });
 * ad.on('conflict', (err) => console.error(err.message));
 * ```
 */
export function advertise(target: AdvertiseTarget, options: AdvertiseOptions = {}): Advertisement {
  const plan = planAdvertisement(target, options);
  const ad = new Advertisement(plan.init);
  const identity = target.identity;
  const hostName = plan.init.hostName;
  if (identity && !hostMatchesSans(hostName, identity.certificate.subjectAltNames)) {
    const warning = new ConfigError('HOSTNAME_MISMATCH', `advertising ${hostName}, but the certificate is valid for ${identity.certificate.subjectAltNames.map((s) => s.value).join(', ') || 'no names'}; clients dialling ${hostName} will reject it`, {
      hint: `issue the identity with hosts: ['${hostName}'] or advertise a name it covers`,
    });
    queueMicrotask(() => {
      if (ad.listenerCount('warning') > 0) ad.emit('warning', warning);
      else process.emitWarning(warning.message, { type: 'LocalTlsWarning', code: 'HOSTNAME_MISMATCH' });
    });
  }
  void ad._start(plan.ipv6);
  return ad;
}

/**
 * Validates advertise options without advertising (for `createListener({ advertise })`, which
 * advertises only once ready). Returns the host name that would be claimed.
 *
 * @throws ConfigError INVALID_OPTION as {@link advertise} would.
 * @example
 * ```ts
 * checkAdvertiseOptions({ service: { type: '_orders._tcp', name: 'Front Desk' } }, identity); // 'listener-name.local'
 * ```
 */
export function checkAdvertiseOptions(options: AdvertiseOptions, identity?: Identity): string {
  return planAdvertisement({ port: 1, identity }, options).init.hostName;
}

function planAdvertisement(target: AdvertiseTarget, options: AdvertiseOptions) {
  if (typeof target !== 'object' || target === null) throw new ConfigError('INVALID_OPTION', `advertise: expected a listener or { port, identity }; found ${describe(target)}`);
  if (typeof options !== 'object' || options === null) throw new ConfigError('INVALID_OPTION', `advertise options: expected { hostName?, service?, interfaces?, pin?, ipv6? }; found ${describe(options)}`);
  knownKeys('advertise', options, KNOWN);
  const port = integerIn('port', target.port, 1, 65535);
  const identity = target.identity;
  const pin = booleanOption('advertise.pin', options.pin ?? true);
  const ipv6 = booleanOption('advertise.ipv6', options.ipv6 ?? true);
  const hostName = options.hostName !== undefined ? validateAdvertisedHostName(options.hostName, 'advertise.hostName') : defaultHostName(identity);
  const label = hostName.slice(0, -'.local'.length);
  const service = options.service ?? { type: '_localtls._tcp', name: label };
  if (typeof service !== 'object' || service === null) throw new ConfigError('INVALID_OPTION', `advertise.service: expected { type, name, txt? }; found ${describe(service)}`);
  knownKeys('advertise.service', service, ['type', 'name', 'txt']);
  const serviceType = parseServiceType(service.type, 'advertise.service.type');
  if (typeof service.name !== 'string' || service.name.length === 0 || Buffer.byteLength(service.name) > 63 || /[\x00-\x1f]/.test(service.name)) {
    throw new ConfigError('INVALID_OPTION', `advertise.service.name: expected 1-63 bytes of printable text; found ${describe(service.name)}`);
  }
  const txt = validateTxt(service.txt ?? {});
  if (pin && identity) txt.pk = identity.certificate.spkiSha256.base64;
  const interfaces = advertiseInterfaces(options.interfaces);
  return { ipv6, init: { hostName, serviceType, serviceName: service.name, txt, port, interfaces } };
}

function defaultHostName(identity: Identity | undefined): string {
  const san = identity?.certificate.subjectAltNames.find((s) => s.type === 'dns' && /^[a-z0-9-]+\.local$/i.test(s.value));
  if (san) return san.value.toLowerCase();
  const label = osHostname().split('.')[0]!.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'localtls';
  return validateAdvertisedHostName(`${label.slice(0, 63)}.local`, 'advertise.hostName');
}

function validateTxt(txt: unknown): Record<string, string> {
  if (typeof txt !== 'object' || txt === null || Array.isArray(txt)) throw new ConfigError('INVALID_OPTION', `advertise.service.txt: expected an object of string values; found ${describe(txt)}`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(txt)) {
    if (!/^[\x20-\x3c\x3e-\x7e]{1,9}$/.test(key)) throw new ConfigError('INVALID_OPTION', `advertise.service.txt: expected keys of 1-9 printable ASCII characters without '='; found ${describe(key)}`);
    if (typeof value !== 'string' || Buffer.byteLength(`${key}=${value}`) > 255) throw new ConfigError('INVALID_OPTION', `advertise.service.txt.${key}: expected a string of at most ${254 - key.length} bytes; found ${describe(value)}`);
    out[key] = value;
  }
  return out;
}

function advertiseInterfaces(requested: string | readonly string[] | undefined): string[] {
  const option = requested ?? interfacesFromEnvironment();
  const table = networkInterfaces();
  if (option === undefined) {
    const names = Object.entries(table).filter(([, infos]) => (infos ?? []).length > 0 && !(infos ?? []).some((i) => i.internal)).map(([name]) => name);
    if (names.length === 0) throw new ConfigError('INVALID_OPTION', 'advertise.interfaces: expected at least one non-loopback interface with an address; this host has none');
    return names;
  }
  const wanted = typeof option === 'string' ? [option] : [...option];
  if (wanted.length === 0) throw new ConfigError('INVALID_OPTION', 'advertise.interfaces: expected interface names or addresses; found an empty array');
  return wanted.map((w) => {
    if (typeof w === 'string' && table[w]) return w;
    const byAddress = Object.entries(table).find(([, infos]) => (infos ?? []).some((i) => i.address === w));
    if (byAddress) return byAddress[0];
    throw new ConfigError('INVALID_OPTION', `advertise.interfaces: expected names or addresses of this host's interfaces (${Object.keys(table).join(', ')}); found ${describe(w)}`);
  });
}
