/**
 * The worker process of `createListener({ workers })` (forked by worker-listener.ts): receives the
 * shared listen handle and the settings, imports the user's worker module, runs a Listener on the
 * handle with the shared ticket keys, and hands each verified Connection to the module's handler.
 * Not imported by anything: it is a program.
 */
import { Identity } from '../identity/identity.js';
import { permitWeakKey } from '../identity/key-strength.js';
import type { TlsVerifyHook, TlsVersion } from '../tls/index.js';
import type { Connection } from './connection.js';
import { Listener } from './listener.js';
import { isMessage, type FromWorker, type ToWorker, type WireIdentity, type WorkerInit } from './worker-protocol.js';

/** Second argument of a worker module's handler. */
interface WorkerContext { index: number; pid: number; workerData: unknown }
type Handler = (conn: Connection, context: WorkerContext) => unknown;

let listener: Listener | undefined;
let closing = false;
const open = new Set<Connection>();

function send(message: FromWorker): void {
  if (process.connected) process.send!(message);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fatal(text: string): void {
  closing = true;
  if (process.connected) process.send!({ t: 'fatal', message: text } satisfies FromWorker, () => process.exit(1));
  else process.exit(1);
}

/** The primary already accepted this identity (and any weak-key allowance) before sending it. */
function identityOf(wire: WireIdentity): Identity {
  return permitWeakKey(Identity.fromPEM(wire.certificatePem, wire.keyPem));
}

function exitWhenIdle(): void {
  if (closing && open.size === 0) process.exit(0);
}

async function init(m: WorkerInit, handle: object | undefined): Promise<void> {
  if (!handle) { fatal('no listen handle arrived'); return; }
  let mod: Record<string, unknown>;
  try { mod = await import(m.module) as Record<string, unknown>; }
  catch (error) { fatal(`cannot import ${m.module}: ${message(error)}`); return; }
  const handler = (typeof mod.default === 'function' ? mod.default : mod.onConnection) as Handler | undefined;
  if (typeof handler !== 'function') { fatal(`${m.module} exports no connection handler (a default export or onConnection function)`); return; }
  if (mod.verify !== undefined && typeof mod.verify !== 'function') { fatal(`${m.module}: export verify must be a function`); return; }
  const context: WorkerContext = { index: m.index, pid: process.pid, workerData: JSON.parse(m.workerData) };
  const o = m.listener;
  try {
    listener = new Listener({
      identity: identityOf(m.identity), port: 0, minVersion: o.minVersion as TlsVersion, alpn: o.alpn,
      requestClientCertificate: o.requestClientCertificate, requireClientCertificate: o.requireClientCertificate, trustRoots: o.trustRoots,
      verify: mod.verify as TlsVerifyHook | undefined, verifyTimeout: o.verifyTimeout, handshakeTimeout: o.handshakeTimeout,
      maxConnections: o.maxConnections, maxMessageSize: o.maxMessageSize,
    }, { handle, ticketKeys: Buffer.from(m.ticketKeys, 'base64'), sessionIdContext: m.sessionIdContext });
  } catch (error) { fatal(message(error)); return; }
  const failed = (conn: Connection, error: unknown) => {
    send({ t: 'warning', message: `connection handler failed: ${message(error)}` });
    conn.forceCancel();
  };
  listener.on('connection', (conn: Connection) => {
    open.add(conn);
    conn.on('state', (state: string) => { if (state === 'failed' || state === 'cancelled') { open.delete(conn); exitWhenIdle(); } });
    try {
      const result = handler(conn, context);
      if (result && typeof (result as Promise<unknown>).then === 'function') (result as Promise<unknown>).then(undefined, (error: unknown) => failed(conn, error));
    } catch (error) { failed(conn, error); }
  });
  listener.on('handshakeError', (error: { code: string; message: string }, info: { remoteAddress: string | undefined; remotePort: number | undefined }) => {
    send({ t: 'handshakeError', code: error.code, message: error.message, remoteAddress: info.remoteAddress, remotePort: info.remotePort });
  });
  listener.on('warning', () => {}); // expiry: the primary warns once for all workers
  listener.ready.then(() => { if (!closing) send({ t: 'listening' }); }, (error: unknown) => fatal(message(error)));
}

process.on('message', (m: unknown, handle: object | undefined) => {
  if (!isMessage(m)) return;
  const msg = m as ToWorker;
  if (msg.t === 'init') void init(msg, handle);
  else if (msg.t === 'identity') {
    try { listener?.setIdentity(identityOf(msg.identity)); } catch (error) { send({ t: 'warning', message: `setIdentity failed: ${message(error)}` }); }
    send({ t: 'identitySet', seq: msg.seq });
  }
  else if (msg.t === 'close') {
    closing = true;
    listener?.cancel({ force: msg.force });
    if (msg.force) for (const conn of open) conn.forceCancel();
    exitWhenIdle();
  }
});
// The primary went away: nobody can close this worker any more, so it stops now.
process.on('disconnect', () => { closing = true; listener?.cancel({ force: true }); process.exit(0); });
