/** PEM armour (RFC 7468): decode every block in a text, encode one block. */
import { LocalTlsError } from '../errors.js';

/** One decoded PEM block. */
export interface PemBlock {
  /** The label between BEGIN and END, e.g. "CERTIFICATE". */
  label: string;
  /** The decoded DER bytes. */
  der: Uint8Array;
  /** Header lines such as `Proc-Type` (legacy encrypted keys), when present. */
  headers: Record<string, string>;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

/** True when the text contains at least one BEGIN line. */
export function looksLikePem(text: string): boolean {
  return text.includes('-----BEGIN ');
}

/**
 * Decodes every PEM block in `text`, in order. Text outside the blocks (such as the
 * "Bag Attributes" lines openssl prints) is ignored.
 * Throws MALFORMED when there is no block, a BEGIN has no matching END, or the base64 is bad.
 */
export function decodePem(text: string, what = 'PEM data'): PemBlock[] {
  const blocks: PemBlock[] = [];
  const beginCount = (text.match(/-----BEGIN /g) ?? []).length;
  for (const match of text.matchAll(BLOCK)) {
    const [, label, body, endLabel] = match as unknown as [string, string, string, string];
    if (label !== endLabel) {
      throw new LocalTlsError('MALFORMED', `${what}: expected "-----END ${label}-----"; found "-----END ${endLabel}-----"`);
    }
    const headers: Record<string, string> = {};
    const lines = body.split(/\r?\n/);
    const b64: string[] = [];
    for (const line of lines) {
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (header && b64.length === 0) headers[header[1]!] = header[2]!;
      else b64.push(line);
    }
    const joined = b64.join('');
    if (!BASE64.test(joined)) {
      throw new LocalTlsError('MALFORMED', `${what}: expected base64 inside the ${label} block; found other characters`);
    }
    const der = new Uint8Array(Buffer.from(joined.replace(/\s+/g, ''), 'base64'));
    if (der.length === 0) throw new LocalTlsError('MALFORMED', `${what}: the ${label} block is empty`);
    blocks.push({ label, der, headers });
  }
  if (blocks.length !== beginCount) {
    throw new LocalTlsError('MALFORMED', `${what}: found ${beginCount} BEGIN lines but only ${blocks.length} complete blocks (truncated?)`);
  }
  if (blocks.length === 0) {
    throw new LocalTlsError('MALFORMED', `${what}: expected at least one "-----BEGIN ...-----" block; found none in ${text.length} characters`);
  }
  return blocks;
}

/** Encodes DER bytes as one PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
