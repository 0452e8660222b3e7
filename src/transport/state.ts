/**
 * Lifecycles as closed string unions, changed through one transition function that emits each
 * change exactly once. Terminal states ignore further transitions.
 */
import type { LocalTlsError } from '../errors.js';

/**
 * A connection's state, as NWConnection: `setup → preparing → (waiting → preparing)* → ready →
 * failed | cancelled`. `waiting` means the peer could not be reached and a retry is scheduled (or
 * `restart()` may be called).
 * @example `conn.on('state', (state: ConnectionState, error) => console.log(state, error?.code))`
 */
export type ConnectionState = 'setup' | 'preparing' | 'waiting' | 'ready' | 'failed' | 'cancelled';

/**
 * A listener's state: `setup → ready → failed | cancelled`.
 * @example `listener.on('state', (state: ListenerState) => {})`
 */
export type ListenerState = 'setup' | 'ready' | 'failed' | 'cancelled';

/** Allowed transitions of a connection. */
export const CONNECTION_TRANSITIONS: Readonly<Record<ConnectionState, readonly ConnectionState[]>> = Object.freeze({
  setup: ['preparing', 'failed', 'cancelled'],
  preparing: ['waiting', 'ready', 'failed', 'cancelled'],
  waiting: ['preparing', 'failed', 'cancelled'],
  ready: ['failed', 'cancelled'],
  failed: [],
  cancelled: [],
});

/** Allowed transitions of a listener. */
export const LISTENER_TRANSITIONS: Readonly<Record<ListenerState, readonly ListenerState[]>> = Object.freeze({
  setup: ['ready', 'failed', 'cancelled'],
  ready: ['failed', 'cancelled'],
  failed: [],
  cancelled: [],
});

/**
 * True when `to` may follow `from` under `transitions`: the one rule every lifecycle change goes
 * through (StateMachine, and Connection, which holds its state inline to stay small).
 * @example `canTransition(CONNECTION_TRANSITIONS, 'ready', 'setup') // false`
 */
export function canTransition<S extends string>(transitions: Readonly<Record<S, readonly S[]>>, from: S, to: S): boolean {
  return transitions[from].includes(to);
}

/**
 * Holds a state and changes it only along `transitions`, calling `emit` once per change.
 *
 * @example
 * ```ts
 * const machine = new StateMachine<ListenerState>('setup', LISTENER_TRANSITIONS, (s, e) => emitter.emit('state', s, e));
 * machine.transition('ready'); // true, emitted
 * machine.transition('ready'); // false, nothing emitted
 * ```
 */
export class StateMachine<S extends string> {
  #state: S;
  readonly #transitions: Readonly<Record<S, readonly S[]>>;
  readonly #emit: (state: S, error?: LocalTlsError) => void;

  constructor(initial: S, transitions: Readonly<Record<S, readonly S[]>>, emit: (state: S, error?: LocalTlsError) => void) {
    this.#state = initial;
    this.#transitions = transitions;
    this.#emit = emit;
  }

  /** The current state. */
  get state(): S {
    return this.#state;
  }

  /** True when no transition leaves the current state. */
  get terminal(): boolean {
    return this.#transitions[this.#state].length === 0;
  }

  /** True when `to` may follow the current state. */
  can(to: S): boolean {
    return canTransition(this.#transitions, this.#state, to);
  }

  /** Moves to `to` and emits once; returns false (and emits nothing) when not allowed. */
  transition(to: S, error?: LocalTlsError): boolean {
    if (!this.can(to)) return false;
    this.#state = to;
    this.#emit(to, error);
    return true;
  }
}
