/**
 * The bytes received from the peer after verification, waiting for the application: a queue of
 * chunks with `receive({ min, max })` semantics, end-of-stream, failure, and backpressure
 * (pause the source above the high-water mark, resume it below half of it — or at once while a
 * pending `receive({ min })` needs more than is buffered, so a `min` above the mark still resolves).
 */
import type { LocalTlsError } from '../errors.js';

/** What `receive()` gives: some bytes, and whether the peer has finished sending. */
export interface Received {
  /** The bytes (possibly empty when `isComplete`). */
  data: Uint8Array;
  /** True when the peer closed its side and nothing more will arrive after `data`. */
  isComplete: boolean;
}

/** Where the bytes come from, for backpressure (a socket is one). */
export interface FlowControl {
  pause(): unknown;
  resume(): unknown;
}

interface Waiter {
  min: number;
  max: number;
  resolve(value: Received): void;
  reject(error: unknown): void;
}

/**
 * A byte queue with one consumer at a time.
 * @example
 * ```ts
 * const buf = new ReceiveBuffer(1 << 20, socket);
 * socket.on('data', (d) => buf.push(d));
 * const { data, isComplete } = await buf.receive({ min: 1, max: 65536 });
 * ```
 */
export class ReceiveBuffer {
  readonly #chunks: Uint8Array[] = [];
  #length = 0;
  #ended = false;
  #error: LocalTlsError | undefined;
  #waiter: Waiter | undefined;
  #paused = false;
  readonly #source: FlowControl;

  /** `source` is paused when `highWaterMark` bytes wait unread, and resumed below half of it. */
  constructor(readonly highWaterMark: number, source: FlowControl) {
    this.#source = source;
  }

  /** Bytes buffered. */
  get length(): number {
    return this.#length;
  }

  /** True once the peer ended and everything was read. */
  get complete(): boolean {
    return this.#ended && this.#length === 0;
  }

  push(chunk: Uint8Array): void {
    if (this.#ended || this.#error || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    this.#serve();
    this.#flow();
  }

  end(): void {
    this.#ended = true;
    this.#serve();
  }

  fail(error: LocalTlsError): void {
    if (this.#error) return;
    this.#error = error;
    this.#serve();
  }

  /** Waits for at least `min` bytes (or the end) and takes at most `max`. */
  receive(min: number, max: number): Promise<Received> {
    if (this.#waiter) return Promise.reject(new Error('receive(): another receive is already pending'));
    return new Promise((resolve, reject) => {
      this.#waiter = { min, max, resolve, reject };
      this.#serve();
      this.#flow();
    });
  }

  #serve(): void {
    const w = this.#waiter;
    if (!w) return;
    if (this.#length >= w.min || (this.#ended && !this.#error)) {
      this.#waiter = undefined;
      const data = this.#take(w.max);
      w.resolve({ data, isComplete: this.#ended && this.#length === 0 });
    } else if (this.#error) {
      this.#waiter = undefined;
      w.reject(this.#error);
    }
  }

  #take(max: number): Uint8Array {
    if (this.#length === 0) return new Uint8Array(0);
    let out: Uint8Array;
    const first = this.#chunks[0]!;
    if (first.length <= max && (this.#chunks.length === 1 || first.length === max)) {
      out = first;
      this.#chunks.shift();
    } else if (first.length > max) {
      out = first.subarray(0, max);
      this.#chunks[0] = first.subarray(max);
    } else {
      const size = Math.min(max, this.#length);
      const merged = Buffer.allocUnsafe(size);
      let offset = 0;
      while (offset < size) {
        const chunk = this.#chunks[0]!;
        const n = Math.min(chunk.length, size - offset);
        merged.set(n === chunk.length ? chunk : chunk.subarray(0, n), offset);
        offset += n;
        if (n === chunk.length) this.#chunks.shift(); else this.#chunks[0] = chunk.subarray(n);
      }
      out = merged;
    }
    this.#length -= out.length;
    this.#flow();
    return out;
  }

  /**
   * Backpressure: pause at the high-water mark unless the pending receive needs more bytes than are
   * buffered (then the source must keep flowing or it would wait forever); resume below half the mark
   * or as soon as such a receive waits.
   */
  #flow(): void {
    const starving = this.#waiter !== undefined && this.#waiter.min > this.#length;
    if (!this.#paused) {
      if (this.#length >= this.highWaterMark && !starving) { this.#paused = true; this.#source.pause(); }
    } else if (starving || this.#length < this.highWaterMark / 2) {
      this.#paused = false;
      this.#source.resume();
    }
  }
}
