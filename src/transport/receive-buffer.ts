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

/**
 * A reader that reshapes what it receives (async iteration): `map` builds the value the promise
 * resolves with, `failed` is told before the promise rejects. One promise per read, not two.
 * @example
 * ```ts
 * const reader: Reader<IteratorResult<Uint8Array>> = {
 *   map: (data, isComplete) => (data.length === 0 ? { done: true, value: undefined } : { done: false, value: data }),
 *   failed: () => {},
 * };
 * const next = await buf.read(1, 1 << 20, reader);
 * ```
 */
export interface Reader<T> {
  map(data: Uint8Array, isComplete: boolean): T;
  failed(error: unknown): void;
}

interface Waiter {
  min: number;
  max: number;
  reader: Reader<unknown> | undefined;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Chunks at least this long are handed out as they came, never copied into a merged buffer. */
const ZERO_COPY_CHUNK = 16 * 1024;

const received = (data: Uint8Array, isComplete: boolean): Received => ({ data, isComplete });

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
    const w = this.#waiter;
    // The common case on a busy connection: a reader waits on an empty buffer and this chunk alone
    // satisfies it. Straight to the reader: no queueing, no take, no backpressure bookkeeping.
    if (w !== undefined && this.#length === 0 && chunk.length >= w.min && chunk.length <= w.max) {
      this.#waiter = undefined;
      w.resolve(w.reader ? w.reader.map(chunk, false) : received(chunk, false));
      return;
    }
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
    return this.#read(min, max, undefined) as Promise<Received>;
  }

  /** {@link receive} for a {@link Reader}: resolves with `reader.map(data, isComplete)`. */
  read<T>(min: number, max: number, reader: Reader<T>): Promise<T> {
    return this.#read(min, max, reader as Reader<unknown>) as Promise<T>;
  }

  #read(min: number, max: number, reader: Reader<unknown> | undefined): Promise<unknown> {
    if (this.#waiter) {
      const error = new Error('receive(): another receive is already pending');
      reader?.failed(error);
      return Promise.reject(error);
    }
    // Enough is here already: no waiter, no executor, one settled promise.
    if (this.#length >= min || (this.#ended && !this.#error)) {
      const data = this.#take(max, min);
      const isComplete = this.#ended && this.#length === 0;
      return Promise.resolve(reader ? reader.map(data, isComplete) : received(data, isComplete));
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { min, max, reader, resolve, reject };
      this.#serve();
      this.#flow();
    });
  }

  #serve(): void {
    const w = this.#waiter;
    if (!w) return;
    if (this.#length >= w.min || (this.#ended && !this.#error)) {
      this.#waiter = undefined;
      const data = this.#take(w.max, w.min);
      const isComplete = this.#ended && this.#length === 0;
      w.resolve(w.reader ? w.reader.map(data, isComplete) : received(data, isComplete));
    } else if (this.#error) {
      this.#waiter = undefined;
      w.reader?.failed(this.#error);
      w.reject(this.#error);
    }
  }

  /**
   * Takes at most `max` bytes. The first chunk goes out as it is (no copy) when it alone is enough
   * for the waiting `min` and is a full record's worth or the only one; small chunks are merged
   * (one copy, fewer reads), and so is whatever a `min` larger than the first chunk needs.
   */
  #take(max: number, min: number): Uint8Array {
    if (this.#length === 0) return new Uint8Array(0);
    let out: Uint8Array;
    const first = this.#chunks[0]!;
    if (first.length >= max) {
      out = first.length === max ? first : first.subarray(0, max);
      if (first.length === max) this.#chunks.shift(); else this.#chunks[0] = first.subarray(max);
    } else if (this.#chunks.length === 1 || (first.length >= min && first.length >= ZERO_COPY_CHUNK)) {
      out = first;
      this.#chunks.shift();
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
