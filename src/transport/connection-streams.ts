/**
 * The stream views of a Connection, built on its public reading and writing alone: framed messages
 * over its chunk iterator, and a Node Duplex over receive() and send(). They add no guarantee of
 * their own and bypass none: every byte still waits for verification inside the connection.
 */
import { Duplex } from 'node:stream';
import { ConnectionError, type LocalTlsError } from '../errors.js';
import { MessageDecoder, type Message } from './framing.js';
import { kFail } from './connection-internals.js';

/** What the stream views need of a connection (a `Connection` is one). */
export interface StreamSource extends AsyncIterable<Uint8Array> {
  send(data: Uint8Array | string, options?: { final?: boolean }): Promise<void>;
  receive(options?: { min?: number; max?: number }): Promise<{ data: Uint8Array; isComplete: boolean }>;
  forceCancel(): void;
  [kFail](error: LocalTlsError): void;
}

/** The most a duplex asks for in one read. */
const DUPLEX_READ_MAX = 1 << 16;

/**
 * Decodes the connection's chunks into framed messages. A frame above `maxMessageSize` fails the
 * connection (MESSAGE_TOO_LARGE); a peer that closes mid-frame ends it with PROTOCOL_ERROR. It
 * claims the connection's one reader through the chunk iterator, and releases it when done.
 * @example `for await (const msg of readMessages(conn, 16 * 1024 * 1024)) console.log(msg.type)`
 */
export async function* readMessages(source: StreamSource, maxMessageSize: number): AsyncGenerator<Message> {
  const decoder = new MessageDecoder(maxMessageSize);
  for await (const chunk of source) {
    let messages: Message[];
    try { messages = decoder.push(chunk); }
    catch (error) { source[kFail](error as LocalTlsError); throw error; }
    for (const m of messages) yield m;
  }
  if (decoder.hasPartial) throw new ConnectionError('PROTOCOL_ERROR', 'the peer closed in the middle of a message', { hint: 'the peer stopped before sending the whole message' });
}

/**
 * A Node Duplex over the connection, for `pipeline()`: reads up to 64 KiB at a time, writes through
 * `send()`, ends with a final send (close_notify), and a destroy with an error force-cancels.
 * @example `await pipeline(fs.createReadStream('menu.json'), connectionDuplex(conn), process.stdout)`
 */
export function connectionDuplex(source: StreamSource): Duplex {
  const duplex: Duplex = new Duplex({
    read: () => {
      source.receive({ min: 1, max: DUPLEX_READ_MAX }).then(
        ({ data, isComplete }) => { if (data.length) duplex.push(data); if (isComplete) duplex.push(null); },
        (error: unknown) => duplex.destroy(error as Error),
      );
    },
    write: (chunk: Buffer, _enc, callback) => { source.send(chunk).then(() => callback(), callback); },
    final: (callback) => { source.send(new Uint8Array(0), { final: true }).then(() => callback(), callback); },
    destroy: (error, callback) => { if (error) source.forceCancel(); callback(error); },
  });
  return duplex;
}
