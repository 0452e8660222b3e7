/**
 * WorkerListener: one TLS port served by N processes (`createListener({ workers: N, worker })`).
 * The primary binds the port once and sends the handle to each forked worker (what node:cluster
 * does with SCHED_NONE, without taking over the process-wide cluster state); every worker accepts
 * from it. The primary makes one set of session-ticket keys and one session-id context and gives
 * them to every worker, so a client's ticket from worker A resumes on worker B.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';
import { getSystemErrorName } from 'node:util';
import { Certificate } from '../cert/certificate.js';
import { ConfigError, ConnectionError, LocalTlsError, type ErrorCode } from '../errors.js';
import type { Identity } from '../identity/identity.js';
import { expiryWarning } from '../store/expiry.js';
import { identityOption, resolveListenerOptions, type ListenerOptions, type ResolvedListenerOptions } from './listener-options.js';
import { LISTENER_TRANSITIONS, StateMachine, type ListenerState } from './state.js';
import { resolveWorkerOptions, type ResolvedWorkerOptions } from './worker-options.js';
import { isMessage, type FromWorker, type ToWorker, type WireIdentity, type WireListenerOptions } from './worker-protocol.js';

const noop = (): void => {};
const ENTRY = fileURLToPath(new URL('./worker-entry.js', import.meta.url));
/** Flags of this process a worker must not inherit (a test runner, a debugger port, a profiler). */
const NOT_INHERITED = /^--(test|inspect|debug|cpu-prof|heap-prof|prof|watch)/;

/**
 * Options of a multi-process listener: ListenerOptions with `workers` and `worker` set (see
 * ListenerOptions for `workerData` and `restart` and their defaults).
 * @example `createListener({ identity, port: 4433, workers: 2, worker: new URL('./handler.js', import.meta.url) })`
 */
export interface WorkerListenerOptions extends ListenerOptions {
  workers: number;
  worker: string | URL;
}

/** The argument of 'workerExit'. @example `listener.on('workerExit', (info) => log(info.index, info.code, info.restarting))` */
export interface WorkerExitInfo {
  /** The worker's slot, 0 … workers-1 (a restarted worker keeps its slot). */
  index: number;
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the listener will start a replacement. */
  restarting: boolean;
}

/** Options of {@link WorkerListener.close}. @example `await listener.close({ force: true, timeout: 2000 })` */
export interface WorkerCloseOptions {
  /** Reset open connections instead of letting them finish. Default false. */
  force?: boolean;
  /** Kill workers still running after this long. Default 10 000 (ms). */
  timeout?: number;
}

interface Slot { child: ChildProcess | undefined; listening: boolean; crashes: number[]; timer: NodeJS.Timeout | undefined; identitySeq: number }

type ServerHandle = { getsockname(out: { port?: number }): number; listen(backlog: number): number; close(): void };
type CreateServerHandle = (address: string | null, port: number, addressType?: number, fd?: number, flags?: number) => ServerHandle | number;

/**
 * A listener whose connections are served by N worker processes on one port.
 *
 * Events: `'listening' (port)` once every worker accepts; `'workerListening' (index, pid)` each time a
 * worker (a restarted one too) accepts; `'state' (state, error?)` like Listener;
 * `'workerExit' (info)` for each worker process that ends; `'handshakeError' (error, info)` forwarded
 * from the workers; `'warning' (message)` (identity expiry, a worker's handler failing);
 * `'error' (error)` with WORKER_FAILED when the restart limit is passed or a worker cannot start —
 * emitted only when an 'error' listener is attached (state → failed and `ready` rejects either way).
 *
 * @example
 * ```ts
 * const listener = createListener({ identity, port: 4433, workers: 2, worker: new URL('./handler.js', import.meta.url) });
 * await listener.ready;
 * await listener.close();
 * ```
 */
export class WorkerListener extends EventEmitter {
  /** Resolves when every worker is listening; rejects when the listener fails or is closed first. */
  readonly ready: Promise<void>;
  readonly #o: ResolvedListenerOptions;
  readonly #w: ResolvedWorkerOptions;
  readonly #wire: WireListenerOptions;
  readonly #machine: StateMachine<ListenerState>;
  readonly #slots: Slot[];
  readonly #ticketKeys = randomBytes(48).toString('base64');
  readonly #sessionIdContext = randomBytes(16).toString('hex');
  readonly #crashes: number[] = [];
  #handle: ServerHandle | undefined;
  #identity: Identity;
  #wireIdentity: WireIdentity;
  #port = 0;
  #error: LocalTlsError | undefined;
  #handshakeErrors = 0;
  #closing: Promise<void> | undefined;
  #identitySeq = 0;
  #identityWaiters: { seq: number; resolve: () => void }[] = [];
  #resolveReady!: () => void;
  #rejectReady!: (error: unknown) => void;

  constructor(options: WorkerListenerOptions) {
    super();
    this.#o = resolveListenerOptions(options);
    this.#w = resolveWorkerOptions(options);
    if (options.verify !== undefined) throw new ConfigError('INVALID_OPTION', 'verify: a function cannot cross to worker processes; export `verify` from the worker module instead');
    if (options.advertise !== undefined && options.advertise !== false) throw new ConfigError('INVALID_OPTION', 'advertise: not supported with workers yet; advertise with a one-process listener, or use discovery separately');
    this.#identity = this.#o.identity;
    this.#wireIdentity = this.#identity.toPEM();
    this.#wire = {
      minVersion: this.#o.minVersion, alpn: this.#o.alpn, requestClientCertificate: this.#o.requestCertificate, requireClientCertificate: this.#o.requireCertificate,
      trustRoots: Certificate.fromList(options.trustRoots ?? []).map((c) => c.toPEM()),
      verifyTimeout: this.#o.verifyTimeout, handshakeTimeout: this.#o.handshakeTimeout, maxConnections: this.#o.maxConnections, maxMessageSize: this.#o.maxMessageSize,
    };
    this.ready = new Promise<void>((resolve, reject) => { this.#resolveReady = resolve; this.#rejectReady = reject; });
    this.ready.catch(noop);
    this.#machine = new StateMachine<ListenerState>('setup', LISTENER_TRANSITIONS, (state, error) => this.emit('state', state, error));
    this.#slots = Array.from({ length: this.#w.workers }, () => ({ child: undefined, listening: false, crashes: [], timer: undefined, identitySeq: 0 }));
    setImmediate(() => this.#start());
  }

  /** The current state. */
  get state(): ListenerState { return this.#machine.state; }
  /** The error the listener failed with, if any. */
  get error(): LocalTlsError | undefined { return this.#error; }
  /** The port listened on (the chosen one with port 0); 0 before it is bound. */
  get port(): number { return this.#port; }
  /** The identity presented to new connections. */
  get identity(): Identity { return this.#identity; }
  /** How many worker processes serve the port. */
  get workers(): number { return this.#slots.length; }
  /** Process ids of the running workers. */
  get workerPids(): number[] { return this.#slots.flatMap((s) => (s.child?.pid !== undefined && s.child.exitCode === null && s.child.signalCode === null ? [s.child.pid] : [])); }
  /** Connections refused or failed before reaching a worker's handler, summed over workers. */
  get handshakeErrorCount(): number { return this.#handshakeErrors; }

  /**
   * Presents another identity to new connections in every worker (and to restarted ones). The
   * promise resolves once every running worker uses it (workers that exit meanwhile count as done).
   * @example `await listener.setIdentity(await ca.issue({ hosts: ['listener-name.local'] }))`
   */
  setIdentity(identity: Identity): Promise<void> {
    this.#identity = identityOption('setIdentity(identity)', identity);
    this.#wireIdentity = identity.toPEM();
    const seq = ++this.#identitySeq;
    for (const slot of this.#slots) if (slot.listening) this.#send(slot, { t: 'identity', identity: this.#wireIdentity, seq });
    if (this.state === 'ready') this.#warnIfExpiring();
    const applied = new Promise<void>((resolve) => this.#identityWaiters.push({ seq, resolve }));
    this.#settleIdentity();
    return applied;
  }

  /** Resolves setIdentity() promises every running worker has acknowledged. */
  #settleIdentity(): void {
    this.#identityWaiters = this.#identityWaiters.filter((w) => {
      const done = this.#closing !== undefined || this.#slots.every((s) => !s.listening || s.identitySeq >= w.seq);
      if (done) w.resolve();
      return !done;
    });
  }

  /**
   * Stops every worker: each stops accepting, lets its connections finish (or resets them with
   * `force`) and exits; resolves when all have exited (killed after `timeout`). State → cancelled.
   * @example `await listener.close({ force: true })`
   */
  close(options: WorkerCloseOptions = {}): Promise<void> {
    if (options === null || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', 'close(options): expected { force?, timeout? }');
    if (options.force !== undefined && typeof options.force !== 'boolean') throw new ConfigError('INVALID_OPTION', 'close({ force }): expected true or false');
    const timeout = options.timeout ?? 10_000;
    if (!Number.isInteger(timeout) || timeout < 0 || timeout > 3_600_000) throw new ConfigError('INVALID_OPTION', 'close({ timeout }): expected an integer from 0 to 3600000 (ms)');
    if (!this.#machine.terminal) {
      this.#machine.transition('cancelled');
      this.#rejectReady(new ConnectionError('CANCELLED', 'the listener was closed before it was ready'));
    }
    return this.#stop(options.force === true, timeout);
  }

  /** Like Listener.cancel(): close() without waiting. @example `listener.cancel({ force: true })` */
  cancel(options: { force?: boolean } = {}): void {
    void this.close({ force: options?.force === true }).catch(noop);
  }

  #stop(force: boolean, timeout: number): Promise<void> {
    this.#closing ??= (async () => {
      this.#handle?.close();
      this.#handle = undefined;
      const exits = this.#slots.map((slot) => {
        if (slot.timer) { clearTimeout(slot.timer); slot.timer = undefined; }
        const child = slot.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        return new Promise<void>((resolve) => {
          const kill = setTimeout(() => child.kill('SIGKILL'), timeout);
          child.once('exit', () => { clearTimeout(kill); resolve(); });
          if (!this.#send(slot, { t: 'close', force })) child.kill('SIGTERM');
        });
      });
      await Promise.all(exits);
      this.#settleIdentity();
    })();
    return this.#closing;
  }

  #warnIfExpiring(): void {
    const warning = expiryWarning(this.#identity);
    if (warning) this.emit('warning', warning);
  }

  /** A listen that failed with `errno`: ADDRESS_IN_USE for a busy port, INVALID_OPTION naming the error otherwise. */
  #failListen(where: string, errno: number): void {
    const name = getSystemErrorName(errno);
    if (name === 'EADDRINUSE') this.#fail('ADDRESS_IN_USE', `cannot listen on ${where}: the port is already in use`);
    else this.#fail('INVALID_OPTION', `cannot listen on ${where}: ${name}`);
  }

  #start(): void {
    if (this.#machine.terminal) return;
    const create = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;
    if (typeof create !== 'function') { this.#fail('WORKER_FAILED', `this Node.js (${process.version}) has no shared server handle; workers cannot share a port`); return; }
    const host = this.#o.host ?? null;
    const handle = create(host, this.#o.port, host === null ? undefined : net.isIP(host), undefined, 0);
    const where = `${this.#o.host ?? '*'}:${this.#o.port}`;
    if (typeof handle === 'number') { this.#failListen(where, handle); return; }
    const address: { port?: number } = {};
    handle.getsockname(address);
    this.#port = address.port ?? this.#o.port;
    // bind() succeeds next to another process's listening socket (SO_REUSEADDR); only listen()
    // would refuse, and a worker's listen() on a passed handle does not report it. A short-lived
    // probe on the same address and port does, before any worker starts.
    const probe = create(host, this.#port, host === null ? undefined : net.isIP(host), undefined, 0);
    const refused = typeof probe === 'number' ? probe : probe.listen(1);
    if (typeof probe !== 'number') probe.close();
    if (refused !== 0) {
      handle.close();
      this.#failListen(where, refused);
      return;
    }
    this.#handle = handle;
    this.#slots.forEach((_, i) => this.#spawn(i));
  }

  #spawn(index: number): void {
    const slot = this.#slots[index]!;
    slot.timer = undefined;
    if (this.#closing || !this.#handle) return;
    const child = fork(ENTRY, [], { execArgv: process.execArgv.filter((a) => !NOT_INHERITED.test(a)), serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    slot.child = child;
    slot.listening = false;
    child.on('message', (message: unknown) => this.#onMessage(index, child, message));
    child.on('error', noop); // a failed send or kill; a failed spawn also ends in 'exit'
    child.on('exit', (code, signal) => this.#onExit(index, child, code, signal));
    child.send({
      t: 'init', index, module: this.#w.worker, workerData: this.#w.workerData, identity: this.#wireIdentity,
      ticketKeys: this.#ticketKeys, sessionIdContext: this.#sessionIdContext, listener: this.#wire,
    } satisfies ToWorker, this.#handle as unknown as net.Server, noop);
  }

  #send(slot: Slot, message: ToWorker): boolean {
    const child = slot.child;
    if (!child || !child.connected) return false;
    child.send(message, noop);
    return true;
  }

  #onMessage(index: number, child: ChildProcess, message: unknown): void {
    const slot = this.#slots[index]!;
    if (slot.child !== child || !isMessage(message)) return;
    const m = message as FromWorker;
    if (m.t === 'listening') {
      slot.listening = true;
      slot.identitySeq = this.#identitySeq; // a worker started after setIdentity() got the new one in 'init'
      this.emit('workerListening', index, child.pid);
      if (this.state === 'setup' && this.#slots.every((s) => s.listening) && this.#machine.transition('ready')) {
        this.#resolveReady();
        this.emit('listening', this.#port);
        this.#warnIfExpiring();
      }
    } else if (m.t === 'fatal') {
      this.#fail('WORKER_FAILED', `worker ${index} could not start: ${m.message}`);
    } else if (m.t === 'identitySet') {
      slot.identitySeq = Math.max(slot.identitySeq, m.seq);
      this.#settleIdentity();
    } else if (m.t === 'warning') {
      this.emit('warning', `worker ${index}: ${m.message}`);
    } else if (m.t === 'handshakeError') {
      this.#handshakeErrors++;
      this.emit('handshakeError', new ConnectionError(m.code as ErrorCode, m.message), { remoteAddress: m.remoteAddress, remotePort: m.remotePort });
    }
  }

  #onExit(index: number, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    const slot = this.#slots[index]!;
    if (slot.child !== child) return;
    slot.listening = false;
    this.#settleIdentity();
    const expected = this.#closing !== undefined || this.#machine.terminal;
    let restarting = false;
    if (!expected) {
      const now = Date.now();
      const { limit, backoff, maxBackoff, window } = this.#w.restart;
      const recent = (list: number[]) => { list.push(now); while (list.length > 0 && list[0]! <= now - window) list.shift(); return list.length; };
      const total = recent(this.#crashes);
      const mine = recent(slot.crashes);
      restarting = total <= limit;
      if (restarting) slot.timer = setTimeout(() => this.#spawn(index), Math.min(maxBackoff, backoff * 2 ** (mine - 1)));
    }
    this.emit('workerExit', { index, pid: child.pid, code, signal, restarting } satisfies WorkerExitInfo);
    if (!expected && !restarting) this.#fail('WORKER_FAILED', `worker ${index} exited (${signal ?? `code ${code}`}) and the restart limit was reached (${this.#w.restart.limit} within ${this.#w.restart.window} ms)`);
  }

  #fail(code: ErrorCode, message: string): void {
    if (this.#machine.terminal) return;
    const hint = code === 'WORKER_FAILED' ? 'see the worker\'s stderr; fix the module or raise restart.limit'
      : code === 'ADDRESS_IN_USE' ? 'stop the other program on this port, pick another port, or pass port: 0 for any free one' : undefined;
    const failure = new ConnectionError(code, message, { hint });
    this.#error = failure;
    this.#machine.transition('failed', failure);
    this.#rejectReady(failure);
    if (this.listenerCount('error') > 0) this.emit('error', failure);
    void this.#stop(true, 2000);
  }
}
