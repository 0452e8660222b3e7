/**
 * Message framing (Apple's NWProtocolFramer, for request/response apps): each message is a 4-byte
 * big-endian length of the body, a 1-byte type (0 = bytes, 1 = JSON as UTF-8), then the body.
 */
import { ConnectionError } from '../errors.js';

/** Default largest message body: 16 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;
const HEADER = 5;
const TYPE_BYTES = 0;
const TYPE_JSON = 1;

/**
 * One received message.
 * @example
 * ```ts
 * for await (const msg of conn.messages()) {
 *   if (msg.type === 'json') console.log(msg.value); else console.log(msg.data.length);
 * }
 * ```
 */
export type Message = { type: 'bytes'; data: Uint8Array } | { type: 'json'; value: unknown; data: Uint8Array };

function tooLarge(size: number, max: number, direction: 'send' | 'receive'): ConnectionError {
  return new ConnectionError('MESSAGE_TOO_LARGE', `${direction === 'send' ? 'message to send' : 'received message'} is ${size} bytes; the maximum is ${max}`, {
    hint: 'raise maxMessageSize on both sides, or stream large payloads with send()', details: { size, max },
  });
}

/**
 * Encodes bytes (type 0) or any other value as JSON (type 1).
 * @throws ConnectionError MESSAGE_TOO_LARGE when the body exceeds `max`.
 * @example `socket.write(encodeMessage({ order: 12 }, DEFAULT_MAX_MESSAGE_SIZE))`
 */
export function encodeMessage(message: Uint8Array | unknown, max: number): Buffer {
  const isBytes = message instanceof Uint8Array;
  const body = isBytes ? message : Buffer.from(JSON.stringify(message) ?? 'null', 'utf8');
  if (body.length > max) throw tooLarge(body.length, max, 'send');
  const out = Buffer.allocUnsafe(HEADER + body.length);
  out.writeUInt32BE(body.length, 0);
  out[4] = isBytes ? TYPE_BYTES : TYPE_JSON;
  out.set(body, HEADER);
  return out;
}

/**
 * Incremental decoder: feed bytes, take whole messages. Checks the size in the header before
 * buffering the body, so an oversized message fails without being read.
 * @example
 * ```ts
 * const decoder = new MessageDecoder(1024);
 * for (const msg of decoder.push(bytes)) handle(msg);
 * ```
 */
export class MessageDecoder {
  #pending: Buffer = Buffer.alloc(0);
  // Chunks received while the next header or body is still incomplete: joined once, when enough
  // bytes are here, so decoding stays linear however finely the peer splits its records.
  #waiting: Uint8Array[] = [];
  #waitingLength = 0;
  #need = HEADER;
  constructor(readonly max: number) {}

  /** True when a partial message is buffered. */
  get hasPartial(): boolean {
    return this.#pending.length + this.#waitingLength > 0;
  }

  /** Adds bytes; returns the messages they complete. @throws MESSAGE_TOO_LARGE, PROTOCOL_ERROR */
  push(bytes: Uint8Array): Message[] {
    if (this.#pending.length + this.#waitingLength + bytes.length < this.#need) {
      if (bytes.length > 0) { this.#waiting.push(bytes); this.#waitingLength += bytes.length; }
      return [];
    }
    this.#pending = this.#pending.length === 0 && this.#waiting.length === 0
      ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
      : Buffer.concat([this.#pending, ...this.#waiting, bytes]);
    this.#waiting = [];
    this.#waitingLength = 0;
    this.#need = HEADER;
    const out: Message[] = [];
    while (this.#pending.length >= HEADER) {
      const size = this.#pending.readUInt32BE(0);
      if (size > this.max) throw tooLarge(size, this.max, 'receive');
      const type = this.#pending[4];
      if (type !== TYPE_BYTES && type !== TYPE_JSON) throw new ConnectionError('PROTOCOL_ERROR', `received a message of unknown type ${type}; expected 0 (bytes) or 1 (JSON)`, { hint: 'both sides must use sendMessage()/messages()' });
      if (this.#pending.length < HEADER + size) { this.#need = HEADER + size; break; }
      const data = new Uint8Array(this.#pending.subarray(HEADER, HEADER + size));
      this.#pending = this.#pending.subarray(HEADER + size);
      if (type === TYPE_BYTES) out.push({ type: 'bytes', data });
      else {
        let value: unknown;
        try { value = JSON.parse(Buffer.from(data).toString('utf8')); }
        catch (cause) { throw new ConnectionError('PROTOCOL_ERROR', `received a JSON message that does not parse (${data.length} bytes)`, { cause }); }
        out.push({ type: 'json', value, data });
      }
    }
    return out;
  }
}
