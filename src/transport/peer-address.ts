/**
 * The peer's address of an accepted TCP socket, read once from its handle. Node's own getters
 * (`socket.remoteAddress`, `remotePort`) cache a `{ address, family, port }` object on the socket
 * for its whole life: 56 bytes per connection that a listener holding thousands of idle ones pays
 * for a value it already keeps. The handle's `getpeername(out)` is what those getters call. The
 * address text is interned too (32 bytes per connection otherwise).
 */
import type { Socket } from 'node:net';

/** The peer's IP address and port (either undefined when the socket is not connected). */
export interface PeerAddress {
  address: string | undefined;
  port: number | undefined;
}

/** Interned address texts: a listener's connections mostly come from few devices (bounded). */
const MAX_INTERNED = 1024;
const addresses = new Map<string, string>();

/** One shared string per address seen (the first MAX_INTERNED of them), not one per connection. */
function intern(address: string): string {
  const known = addresses.get(address);
  if (known !== undefined) return known;
  if (addresses.size < MAX_INTERNED) addresses.set(address, address);
  return address;
}

interface PeerNameHandle {
  getpeername?(out: { address?: string; port?: number }): number;
}

/**
 * Reads the peer's address of `socket` without leaving a cached object on it; falls back to the
 * public getters where the handle has no getpeername (another Node, a socket without a handle).
 * @example `const { address, port } = peerAddress(rawSocket)`
 */
export function peerAddress(socket: Socket): PeerAddress {
  const handle = (socket as unknown as { _handle?: PeerNameHandle | null })._handle;
  if (handle && typeof handle.getpeername === 'function' && !socket.connecting) {
    const out: { address?: string; port?: number } = {};
    if (handle.getpeername(out) === 0 && typeof out.address === 'string') return { address: intern(out.address), port: out.port };
  }
  const address = socket.remoteAddress;
  return { address: address === undefined ? undefined : intern(address), port: socket.remotePort };
}
