/** Worker module of the `workers` bench: ends each verified connection at once (like child.ts's localtls server). */
import type { Connection } from '../../src/transport/connection.js';

export default function onConnection(conn: Connection): void {
  void conn.send(new Uint8Array(0), { final: true }).catch(() => {});
}
