/**
 * Short-lived multicast DNS sockets (multicast-dns) on chosen interfaces: send queries, hand every
 * response to the caller together with the interface it came from. Internal to src/discovery.
 *
 * Each socket binds 0.0.0.0:5353 with SO_REUSEADDR (so it coexists with other responders), joins
 * 224.0.0.251 on its interface and sends through that interface only. Nothing here uses the
 * libuv thread pool: every address handed to dgram is a literal.
 */
import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { RemoteInfo } from 'node:dgram';
import makeMdns from 'multicast-dns';
import type { Packet, Question } from 'dns-packet';
import { ConfigError, ConnectionError } from '../errors.js';
import { describe } from '../internal/options.js';

/** An interface mDNS runs on: its name and the IPv4 address used to select it. */
export interface MdnsInterface {
  readonly name: string;
  readonly ipv4: string;
}

/**
 * The operator's default interfaces from `LOCALTLS_MDNS_INTERFACES` (comma-separated names or IPv4
 * addresses), or undefined when it is unset or empty. The test runner sets it to 127.0.0.1 so that
 * no test can multicast on a real interface by accident.
 */
export function interfacesFromEnvironment(): string[] | undefined {
  const value = process.env.LOCALTLS_MDNS_INTERFACES?.trim();
  return value ? value.split(',').map((part) => part.trim()).filter(Boolean) : undefined;
}

/**
 * Turns the `interface` option (names or IPv4 addresses) into interfaces. Default:
 * `LOCALTLS_MDNS_INTERFACES` when set, else every non-loopback interface with an IPv4 address, or
 * loopback when there is none.
 */
export function resolveInterfaces(requested: string | readonly string[] | undefined, optionName = 'interface'): MdnsInterface[] {
  const option = requested ?? interfacesFromEnvironment();
  const table = networkInterfaces();
  const all: MdnsInterface[] = [];
  for (const [name, infos] of Object.entries(table)) {
    const v4 = (infos ?? []).find((i) => i.family === 'IPv4' || (i.family as unknown) === 4);
    if (v4) all.push({ name, ipv4: v4.address });
  }
  if (option === undefined) {
    const external = all.filter((i) => !(table[i.name] ?? []).some((x) => x.internal));
    if (external.length > 0) return external;
    const lo = all.find((i) => i.ipv4.startsWith('127.'));
    return lo ? [lo] : [{ name: 'lo', ipv4: '127.0.0.1' }];
  }
  const wanted = typeof option === 'string' ? [option] : [...option];
  if (wanted.length === 0) throw new ConfigError('INVALID_OPTION', `${optionName}: expected an interface name or IPv4 address, or a non-empty array of them; found an empty array`);
  return wanted.map((w) => {
    const found = all.find((i) => i.name === w || i.ipv4 === w);
    if (found) return found;
    const names = all.map((i) => `${i.name} (${i.ipv4})`).join(', ') || 'none';
    throw new ConfigError('INVALID_OPTION', `${optionName}: expected the name or IPv4 address of an interface with IPv4; found ${describe(w)}; this host has ${names}`);
  });
}

/** The interface whose IPv4 subnet contains `address` (the source of a response), if any. */
export function interfaceForSource(address: string): string | undefined {
  if (!isIPv4(address)) return undefined;
  const a = toInt(address);
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (!(info.family === 'IPv4' || (info.family as unknown) === 4)) continue;
      const mask = toInt(info.netmask);
      if (((toInt(info.address) ^ a) & mask) === 0) return name;
    }
  }
  return undefined;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0) >>> 0;
}

/** Called for every response packet, with the interface it arrived on when known. */
export type ResponseHandler = (packet: Packet, rinfo: RemoteInfo, iface: string | undefined) => void;

/** A set of open mDNS sockets. */
export interface MdnsSession {
  /** Sends one query (with these questions) on every interface. */
  query(questions: Question[]): void;
  /** Resolves once every socket is bound, or rejects with the first bind error. */
  readonly ready: Promise<void>;
  /** Closes every socket; idempotent. */
  close(): Promise<void>;
}

/**
 * Opens one mDNS socket per interface. The caller must `close()` it.
 * A socket that cannot bind (EADDRINUSE without SO_REUSEADDR, EACCES) rejects `ready` with
 * a ConnectionError 'ADDRESS_IN_USE'.
 */
export function openSession(interfaces: readonly MdnsInterface[], onResponse: ResponseHandler): MdnsSession {
  let closed = false;
  const sockets = interfaces.map((iface) => {
    const mdns = makeMdns({ interface: iface.ipv4, bind: '0.0.0.0', reuseAddr: true, loopback: true, ttl: 255 } as makeMdns.Options);
    mdns.on('response', (packet: Packet, rinfo: RemoteInfo) => {
      if (closed) return;
      onResponse(packet, rinfo, interfaceForSource(rinfo.address) ?? (rinfo.address.startsWith('127.') ? iface.name : undefined));
    });
    mdns.on('warning', () => { /* malformed packets and membership hiccups are expected on busy networks */ });
    const ready = new Promise<void>((resolve, reject) => {
      mdns.once('ready', resolve);
      mdns.once('error', (err: NodeJS.ErrnoException) => {
        reject(new ConnectionError('ADDRESS_IN_USE', `mDNS: expected to bind UDP port 5353 on ${iface.name} (${iface.ipv4}); the system refused (${err.code ?? err.message})`, { cause: err, hint: 'another process holds port 5353 without SO_REUSEADDR; stop it or let localtls share the port' }));
      });
    });
    return { mdns, ready };
  });
  const ready = Promise.all(sockets.map((s) => s.ready)).then(() => undefined);
  ready.catch(() => undefined);
  return {
    ready,
    query(questions) {
      if (closed) return;
      for (const { mdns } of sockets) mdns.query({ questions }, () => undefined);
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(sockets.map(({ mdns }) => new Promise<void>((resolve) => mdns.destroy(() => resolve()))));
    },
  };
}
