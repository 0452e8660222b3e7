/** IP addresses as bytes and as canonical text (RFC 5952 for IPv6). */
import { isIPv4, isIPv6 } from 'node:net';

/** The 4 or 16 bytes of an IPv4 or IPv6 address in text form, or undefined when it is not one. */
export function parseIpAddress(text: string): Uint8Array | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return new Uint8Array(bare.split('.').map((part) => Number(part)));
  if (!isIPv6(bare) || bare.includes('%')) return undefined;
  let head = bare;
  let tailV4: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (v4) {
    tailV4 = v4[1]!.split('.').map((part) => Number(part));
    head = bare.slice(0, -v4[1]!.length) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') as [string, string] : [head, undefined];
  const leftParts = left ? left.split(':') : [];
  const rightParts = right === undefined ? [] : right ? right.split(':') : [];
  const missing = 8 - leftParts.length - rightParts.length;
  const groups = [...leftParts, ...Array<string>(right === undefined ? 0 : missing).fill('0'), ...rightParts];
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = parseInt(group, 16);
    bytes[i * 2] = value >> 8;
    bytes[i * 2 + 1] = value & 0xff;
  });
  if (tailV4.length === 4) bytes.set(tailV4, 12);
  return bytes;
}

/** Canonical text for 4 or 16 address bytes: dotted decimal, or RFC 5952 compressed lowercase IPv6. */
export function formatIpAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return `<${bytes.length}-byte address>`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** True when `address` lies within `network`/`mask` (all the same length). */
export function ipInNetwork(address: Uint8Array, network: Uint8Array, mask: Uint8Array): boolean {
  if (address.length !== network.length || network.length !== mask.length) return false;
  for (let i = 0; i < address.length; i++) {
    if ((address[i]! & mask[i]!) !== (network[i]! & mask[i]!)) return false;
  }
  return true;
}
