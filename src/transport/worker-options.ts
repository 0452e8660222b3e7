/**
 * Options of `createListener({ workers })`: how many processes share the port, the module that
 * handles each verified connection in a worker, the data passed to it, and the restart policy.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { describe, integerIn, knownKeys } from '../internal/options.js';

/** The most worker processes one listener may start (64). @example `createListener({ ...options, workers: Math.min(MAX_WORKERS, availableParallelism()) })` */
export const MAX_WORKERS = 64;

/**
 * What happens when a worker process exits without being asked to.
 *
 * - `limit`: restarts allowed within `window` before the listener gives up (state `failed`,
 *   'error' with WORKER_FAILED). Default 5. 0 = never restart.
 * - `backoff`: delay before the first restart of a worker; doubled for each further crash of the
 *   same worker within `window`. Default 100 (ms).
 * - `maxBackoff`: the longest delay. Default 5 000 (ms).
 * - `window`: how far back crashes count. Default 60 000 (ms).
 *
 * @example `createListener({ identity, port: 4433, workers: 4, worker: './handler.js', restart: { limit: 10 } })`
 */
export interface WorkerRestartOptions {
  limit?: number;
  backoff?: number;
  maxBackoff?: number;
  window?: number;
}

/** Validated worker options (internal). */
export interface ResolvedWorkerOptions {
  workers: number;
  /** file: URL (href) of the worker module. */
  worker: string;
  /** workerData as JSON text (checked to be JSON-serialisable). */
  workerData: string;
  restart: Required<WorkerRestartOptions>;
}

const MAX_MS = 24 * 3600 * 1000;
const MAX_DEPTH = 64;

/** Checks that `value` survives JSON unchanged: null, booleans, finite numbers, strings, arrays and plain objects. */
function jsonValue(path: string, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) throw new ConfigError('INVALID_OPTION', `${path}: nested deeper than ${MAX_DEPTH} levels (or circular)`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return;
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => jsonValue(`${path}[${i}]`, item, depth + 1));
    return;
  } else if (typeof value === 'object' && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    for (const [key, item] of Object.entries(value)) jsonValue(`${path}.${key}`, item, depth + 1);
    return;
  }
  throw new ConfigError('INVALID_OPTION', `${path}: expected JSON data (null, boolean, finite number, string, array, plain object); found ${describe(value)}`, { hint: 'workerData crosses to another process as JSON; pass functions and objects as a module the worker imports' });
}

/** The worker module as a file: URL; the file must exist. @example `workerModule('./handler.js')` */
function workerModule(value: unknown): string {
  let url: URL | undefined;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string' && value.startsWith('file:')) { try { url = new URL(value); } catch { url = undefined; } }
  else if (typeof value === 'string' && value.length > 0) url = pathToFileURL(isAbsolute(value) ? value : resolve(value));
  if (!url || url.protocol !== 'file:') {
    throw new ConfigError('INVALID_OPTION', `worker: expected a path or file: URL of a module exporting a connection handler; found ${describe(value instanceof URL ? value.href : value)}`, { hint: "e.g. worker: new URL('./handler.js', import.meta.url)" });
  }
  if (!existsSync(fileURLToPath(url))) throw new ConfigError('INVALID_OPTION', `worker: no module at ${fileURLToPath(url)}`);
  return url.href;
}

/**
 * Validates `workers`, `worker`, `workerData` and `restart` of createListener options.
 * @throws ConfigError INVALID_OPTION
 * @example `resolveWorkerOptions({ workers: 2, worker: './handler.js' })`
 */
export function resolveWorkerOptions(options: { workers?: unknown; worker?: unknown; workerData?: unknown; restart?: unknown }): ResolvedWorkerOptions {
  const workers = integerIn('workers', options.workers, 1, MAX_WORKERS);
  if (options.worker === undefined) {
    throw new ConfigError('INVALID_OPTION', 'worker: required with workers (a module whose default export receives each verified Connection in the worker process)', { hint: 'a handler function cannot cross processes; put it in a module and pass its path' });
  }
  const worker = workerModule(options.worker);
  if (options.workerData !== undefined) jsonValue('workerData', options.workerData, 0);
  const restart = { limit: 5, backoff: 100, maxBackoff: 5000, window: 60_000 };
  if (options.restart !== undefined) {
    const r = options.restart;
    if (r === null || typeof r !== 'object' || Array.isArray(r)) throw new ConfigError('INVALID_OPTION', `restart: expected { limit?, backoff?, maxBackoff?, window? }; found ${describe(r)}`);
    knownKeys('restart', r, ['limit', 'backoff', 'maxBackoff', 'window']);
    const o = r as WorkerRestartOptions;
    if (o.limit !== undefined) restart.limit = integerIn('restart.limit', o.limit, 0, 1000);
    if (o.backoff !== undefined) restart.backoff = integerIn('restart.backoff', o.backoff, 0, MAX_MS);
    if (o.maxBackoff !== undefined) restart.maxBackoff = integerIn('restart.maxBackoff', o.maxBackoff, 0, MAX_MS);
    if (o.window !== undefined) restart.window = integerIn('restart.window', o.window, 1, MAX_MS);
  }
  return { workers, worker, workerData: JSON.stringify(options.workerData ?? null), restart };
}
