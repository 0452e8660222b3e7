/**
 * The IPC messages between a worker listener's primary and its worker processes (JSON over the
 * child_process channel; the listen handle travels as the message's handle). Secrets (the
 * identity's key) cross only this private channel and are never logged.
 */

/** What a worker needs to build its listener (everything but the handle, sent alongside). */
export interface WorkerInit {
  t: 'init';
  /** 0-based slot of this worker. */
  index: number;
  /** file: URL of the user's worker module. */
  module: string;
  /** JSON text of workerData. */
  workerData: string;
  identity: WireIdentity;
  /** 48 bytes, base64: the same for every worker, so a ticket from one resumes on any. */
  ticketKeys: string;
  /** hex, shared by every worker. */
  sessionIdContext: string;
  /** Plain listener options (no functions): minVersion, alpn, client-certificate settings, limits. */
  listener: WireListenerOptions;
}

/** An identity as PEM (the key unencrypted: the channel is a private socket pair). */
export interface WireIdentity { certificatePem: string; keyPem: string }

/** The JSON-safe part of ListenerOptions a worker rebuilds its listener from. */
export interface WireListenerOptions {
  minVersion: string;
  alpn: string[] | undefined;
  requestClientCertificate: boolean;
  requireClientCertificate: boolean;
  /** PEM of each trust root for client certificates. */
  trustRoots: string[];
  verifyTimeout: number;
  handshakeTimeout: number;
  maxConnections: number | undefined;
  maxMessageSize: number;
}

/** Primary → worker. */
export type ToWorker =
  | WorkerInit
  | { t: 'identity'; identity: WireIdentity; seq: number }
  | { t: 'close'; force: boolean };

/** Worker → primary. */
export type FromWorker =
  | { t: 'listening' }
  /** The worker could not start (module missing, no handler export, listen failed): not worth a restart. */
  | { t: 'fatal'; message: string }
  | { t: 'warning'; message: string }
  /** setIdentity() number `seq` is in use for new connections. */
  | { t: 'identitySet'; seq: number }
  | { t: 'handshakeError'; code: string; message: string; remoteAddress: string | undefined; remotePort: number | undefined };

/** True for an object with a string `t` (the shape every message has). @example `if (isMessage(m)) switch (m.t) {}` */
export function isMessage(value: unknown): value is { t: string } {
  return typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string';
}
