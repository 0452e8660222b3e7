/** Small byte helpers shared by every layer. */
import { createHash } from 'node:crypto';

/** Any binary input localtls accepts. */
export type BinaryInput = Uint8Array | ArrayBuffer | Buffer;

/** A Uint8Array view of any binary input (no copy when possible). */
export function toBytes(input: BinaryInput): Uint8Array {
  if (input instanceof Uint8Array) return input;
  return new Uint8Array(input);
}

/** An ArrayBuffer holding exactly these bytes (a copy when the view is partial). */
export function toArrayBuffer(input: BinaryInput): ArrayBuffer {
  if (input instanceof ArrayBuffer) return input;
  const view = input as Uint8Array;
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer) {
    return view.buffer;
  }
  return view.slice().buffer as ArrayBuffer;
}

/** Lowercase hex of the bytes. */
export function toHex(bytes: BinaryInput): string {
  return Buffer.from(toBytes(bytes)).toString('hex');
}

/** Uppercase hex pairs joined by colons, as `openssl x509 -fingerprint` prints. */
export function toColonHex(bytes: BinaryInput): string {
  return toHex(bytes).toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** SHA-256 of the bytes. */
export function sha256(bytes: BinaryInput): Uint8Array {
  return new Uint8Array(createHash('sha256').update(toBytes(bytes)).digest());
}

/** Constant-length comparison of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** True for inputs that are byte containers rather than strings. */
export function isBinary(value: unknown): value is BinaryInput {
  return value instanceof Uint8Array || value instanceof ArrayBuffer;
}
