/**
 * A small, strict BER/DER reader and a DER writer for the PKCS#12 structures (RFC 7292).
 *
 * Hand-written rather than asn1js so that every failure is a MALFORMED {@link IdentityError}
 * naming the field that was expected and what was found, and so that the reader can never
 * recurse without bound. The reader accepts the BER forms real PKCS#12 writers emit
 * (indefinite lengths, constructed OCTET STRINGs) as well as DER.
 */
import { IdentityError } from '../../errors.js';
import { tlvHeader } from '../../internal/der.js';

/** Deepest nesting the reader follows (PKCS#12 needs about 12). */
const MAX_DEPTH = 40;

/** One element located inside `src`. */
export interface Element {
  /** Identifier octet: class, constructed bit and tag number (low-tag form only). */
  readonly tag: number;
  readonly src: Uint8Array;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** First content byte. */
  readonly contentStart: number;
  /** Just past the last content byte (before an end-of-contents marker). */
  readonly contentEnd: number;
  /** Just past the element. */
  readonly end: number;
  readonly depth: number;
}

/** A MALFORMED error with the PKCS#12 prefix. */
export function malformed(message: string): IdentityError {
  return new IdentityError('MALFORMED', `PKCS#12: ${message}`);
}

function tagName(tag: number): string {
  const names: Record<number, string> = {
    0x02: 'INTEGER', 0x03: 'BIT STRING', 0x04: 'OCTET STRING', 0x05: 'NULL', 0x06: 'OBJECT IDENTIFIER',
    0x0c: 'UTF8String', 0x1e: 'BMPString', 0x24: 'constructed OCTET STRING', 0x30: 'SEQUENCE', 0x31: 'SET',
  };
  if (names[tag]) return names[tag]!;
  if ((tag & 0xc0) === 0x80) return `[${tag & 0x1f}]${tag & 0x20 ? ' (constructed)' : ''}`;
  return `tag 0x${tag.toString(16).padStart(2, '0')}`;
}

/** Reads the element at `offset`, within `limit`. */
export function readElement(src: Uint8Array, offset: number, limit: number, depth: number, what: string): Element {
  if (depth > MAX_DEPTH) throw malformed(`${what}: expected at most ${MAX_DEPTH} levels of nesting; found more`);
  if (offset >= limit) throw malformed(`${what}: expected an element at byte ${offset}; found the end of the data (truncated)`);
  const tag = src[offset]!;
  if ((tag & 0x1f) === 0x1f) throw malformed(`${what}: expected a low-number tag at byte ${offset}; found a multi-byte tag`);
  if (offset + 1 >= limit) throw malformed(`${what}: expected a length at byte ${offset + 1}; found the end of the data (truncated)`);
  let length = src[offset + 1]!;
  let cursor = offset + 2;
  if (length === 0x80) {
    if (!(tag & 0x20)) throw malformed(`${what}: indefinite length on primitive ${tagName(tag)} at byte ${offset}`);
    // BER indefinite length: walk children up to the end-of-contents marker (00 00).
    let p = cursor;
    for (;;) {
      if (p + 2 > limit) throw malformed(`${what}: expected an end-of-contents marker for the element at byte ${offset}; found the end of the data (truncated)`);
      if (src[p] === 0 && src[p + 1] === 0) break;
      p = readElement(src, p, limit, depth + 1, what).end;
    }
    return { tag, src, start: offset, contentStart: cursor, contentEnd: p, end: p + 2, depth };
  }
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw malformed(`${what}: expected a length of at most 4 bytes at byte ${offset + 1}; found ${count}`);
    if (cursor + count > limit) throw malformed(`${what}: length field at byte ${cursor} is truncated`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + src[cursor + i]!;
    cursor += count;
  }
  if (cursor + length > limit) {
    throw malformed(`${what}: element at byte ${offset} declares ${length} bytes; only ${limit - cursor} remain (truncated)`);
  }
  return { tag, src, start: offset, contentStart: cursor, contentEnd: cursor + length, end: cursor + length, depth };
}

/** Parses `bytes` as exactly one element (no trailing data). */
export function parseWhole(bytes: Uint8Array, what: string, depth = 0): Element {
  const el = readElement(bytes, 0, bytes.length, depth, what);
  if (el.end !== bytes.length) {
    throw malformed(`${what}: expected ${el.end} bytes; found ${bytes.length} (${bytes.length - el.end} bytes of trailing data)`);
  }
  return el;
}

/** Checks the tag of an element. */
export function expectTag(el: Element, tag: number, what: string): Element {
  if (el.tag !== tag) throw malformed(`${what}: expected ${tagName(tag)}; found ${tagName(el.tag)}`);
  return el;
}

/** The children of a constructed element, read one at a time. */
export class Children {
  #offset: number;
  readonly #parent: Element;
  readonly #what: string;

  constructor(parent: Element, what: string) {
    if (!(parent.tag & 0x20)) throw malformed(`${what}: expected a constructed element; found primitive ${tagName(parent.tag)}`);
    this.#parent = parent;
    this.#offset = parent.contentStart;
    this.#what = what;
  }

  /** True when no children remain. */
  get done(): boolean {
    return this.#offset >= this.#parent.contentEnd;
  }

  /** The next child's tag, or undefined at the end. */
  peekTag(): number | undefined {
    return this.done ? undefined : this.#parent.src[this.#offset];
  }

  /** The next child; MALFORMED when there is none. */
  next(field: string): Element {
    if (this.done) throw malformed(`${this.#what}: expected ${field}; found the end of the ${tagName(this.#parent.tag)}`);
    const el = readElement(this.#parent.src, this.#offset, this.#parent.contentEnd, this.#parent.depth + 1, `${this.#what} ${field}`);
    this.#offset = el.end;
    return el;
  }

  /** All remaining children. */
  rest(field: string, max = 10_000): Element[] {
    const out: Element[] = [];
    while (!this.done) {
      if (out.length >= max) throw new IdentityError('INPUT_TOO_LARGE', `PKCS#12: ${this.#what}: expected at most ${max} ${field} elements; found more`);
      out.push(this.next(field));
    }
    return out;
  }

  /** MALFORMED unless every child was read. */
  end(): void {
    if (!this.done) throw malformed(`${this.#what}: expected no more fields; found ${tagName(this.#parent.src[this.#offset]!)}`);
  }
}

/** Children of a SEQUENCE (checks the tag). */
export function sequence(el: Element, what: string): Children {
  return new Children(expectTag(el, 0x30, what), what);
}

/** The content bytes of a primitive element (a view, no copy). */
export function content(el: Element): Uint8Array {
  return el.src.subarray(el.contentStart, el.contentEnd);
}

/** An OCTET STRING's bytes, primitive or BER constructed (segments joined). Also accepts [n] IMPLICIT forms via `tag`. */
export function octets(el: Element, what: string, tag = 0x04): Uint8Array {
  if (el.tag === tag) return content(el);
  if (el.tag === (tag | 0x20)) {
    const parts: Uint8Array[] = [];
    const kids = new Children(el, what);
    while (!kids.done) parts.push(octets(kids.next('segment'), what, 0x04));
    return concat(parts);
  }
  throw malformed(`${what}: expected ${tagName(tag)}; found ${tagName(el.tag)}`);
}

/** A dotted OBJECT IDENTIFIER. */
export function oid(el: Element, what: string): string {
  expectTag(el, 0x06, what);
  const bytes = content(el);
  if (bytes.length === 0 || bytes.length > 64 || (bytes[bytes.length - 1]! & 0x80)) throw malformed(`${what}: expected an OBJECT IDENTIFIER; found ${bytes.length} undecodable bytes`);
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) throw malformed(`${what}: OBJECT IDENTIFIER arc too large`);
    if (!(b & 0x80)) {
      if (parts.length === 0) parts.push(value < 80 ? Math.floor(value / 40) : 2, value < 80 ? value % 40 : value - 80);
      else parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

/** A non-negative INTEGER as a number; values beyond 2^53 become Infinity (callers compare with caps). */
export function integer(el: Element, what: string): number {
  expectTag(el, 0x02, what);
  const bytes = content(el);
  if (bytes.length === 0) throw malformed(`${what}: expected an INTEGER; found an empty one`);
  if (bytes[0]! & 0x80) throw malformed(`${what}: expected a non-negative INTEGER; found a negative one`);
  if (bytes.length > 7) return Infinity;
  let n = 0;
  for (const b of bytes) n = n * 256 + b;
  return n;
}

/** A BMPString (UTF-16BE) as a JavaScript string. */
export function bmpString(el: Element, what: string): string {
  const bytes = octets(el, what, 0x1e);
  if (bytes.length % 2) throw malformed(`${what}: expected an even number of BMPString bytes; found ${bytes.length}`);
  let s = '';
  for (let i = 0; i < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
  return s;
}

/** The whole encoding of an element (a view). */
export function raw(el: Element): Uint8Array {
  return el.src.subarray(el.start, el.end);
}

/** Joins byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

// ---------------------------------------------------------------- DER writer

/** One DER element: tag, length, content. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  const body = concat(contents);
  return concat([tlvHeader(tag, body.length), body]);
}

/** SEQUENCE. */
export const seq = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/** SET OF, sorted as DER requires. */
export function setOf(...items: Uint8Array[]): Uint8Array {
  const sorted = [...items].sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  });
  return tlv(0x31, ...sorted);
}

/** OCTET STRING. */
export const octetString = (bytes: Uint8Array): Uint8Array => tlv(0x04, bytes);

/** [n] EXPLICIT (constructed context tag). */
export const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(0xa0 | n, inner);

/** NULL. */
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/** A non-negative INTEGER. */
export function int(n: number): Uint8Array {
  const bytes: number[] = [];
  let v = n;
  do { bytes.unshift(v % 256); v = Math.floor(v / 256); } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Uint8Array.from(bytes));
}

/** OBJECT IDENTIFIER from dotted text. */
export function objectId(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out: number[] = [];
  const push = (v: number): void => {
    const chunk = [v & 0x7f];
    v = Math.floor(v / 128);
    while (v > 0) { chunk.unshift((v & 0x7f) | 0x80); v = Math.floor(v / 128); }
    out.push(...chunk);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return tlv(0x06, Uint8Array.from(out));
}

/** BMPString (UTF-16BE, no terminator). */
export function bmp(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) { bytes[2 * i] = text.charCodeAt(i) >> 8; bytes[2 * i + 1] = text.charCodeAt(i) & 0xff; }
  return tlv(0x1e, bytes);
}

/** AlgorithmIdentifier. */
export const algorithm = (dotted: string, params?: Uint8Array): Uint8Array => seq(objectId(dotted), ...(params ? [params] : []));
