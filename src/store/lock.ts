/**
 * A lock file that serialises writers across processes. The lock is a file created with O_EXCL
 * holding `{ pid, host, createdAt, token }`. A lock whose process is gone (same host) or that is
 * older than `staleMs` is stale: it is moved aside atomically (rename) and the move is checked by
 * inode, so two processes recovering at once never both win and never remove a live lock.
 */
import { open, readFile, rename, stat, unlink, link } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LocalTlsError } from '../errors.js';
import { integerIn, knownKeys } from '../internal/options.js';

/** Lock timing for writes to the stores ({@link IdentityStore}, {@link TrustStore}, {@link KnownHosts}): how long to wait for the lock and when a lock counts as stale. */
export interface LockOptions {
  /** How long to wait for a busy lock before failing with STORE_LOCKED, in ms. Default: 10000. */
  timeoutMs?: number;
  /** Age after which a lock is stale even if its process seems alive (pid reuse), in ms. Default: 30000. */
  staleMs?: number;
}

/** Default {@link LockOptions.timeoutMs}. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** Default {@link LockOptions.staleMs}. */
export const DEFAULT_LOCK_STALE_MS = 30_000;

/** A lock file whose content has not been written yet is treated as stale after this long. */
const EMPTY_LOCK_GRACE_MS = 2_000;

interface LockInfo {
  pid: number;
  host: string;
  createdAt: number;
  token: string;
}

/**
 * Takes the lock at `lockPath`, waiting up to `timeoutMs` and recovering stale locks.
 * Call the returned function (once) to release it.
 *
 * @example
 * ```ts
 * const release = await acquireLock('/srv/desk/identities/.lock');
 * try { await writeSomething(); } finally { await release(); }
 * ```
 * @throws LocalTlsError STORE_LOCKED naming the holder's pid and the lock's age; IO_ERROR
 */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<() => Promise<void>> {
  knownKeys('lock options', options, ['timeoutMs', 'staleMs']);
  const timeoutMs = integerIn('timeoutMs', options.timeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, 0, 10 * 60_000);
  const staleMs = integerIn('staleMs', options.staleMs ?? DEFAULT_LOCK_STALE_MS, 1, 24 * 3_600_000);
  const token = randomBytes(12).toString('hex');
  const body = JSON.stringify({ pid: process.pid, host: hostname(), createdAt: Date.now(), token } satisfies LockInfo);
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try { await handle.writeFile(body); } finally { await handle.close(); }
      return once(() => release(lockPath, token));
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(lockPath, 'create', cause);
    }
    const holder = await inspect(lockPath);
    if (holder && isStale(holder, staleMs)) {
      await breakStale(lockPath, holder.ino, holder.info?.token);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder?.info ? `process ${holder.info.pid} on ${holder.info.host}` : 'another process';
      const age = holder ? `${Math.round((Date.now() - holder.since) / 1000)} s` : 'unknown';
      throw new LocalTlsError('STORE_LOCKED', `lock ${lockPath}: expected to take it within ${timeoutMs} ms; it is held by ${who} (age ${age})`, {
        hint: 'another localtls process is writing this store; retry, or remove the lock file if that process is hung',
        details: { lockPath, pid: holder?.info?.pid, host: holder?.info?.host },
      });
    }
    await sleep(Math.min(delay + Math.random() * delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 50);
  }
}

/**
 * Runs `fn` while holding the lock at `lockPath` and releases it afterwards, even on failure.
 *
 * @example
 * ```ts
 * await withLock(join(dir, '.lock'), async () => writeFileAtomic(join(dir, 'a'), 'x'));
 * ```
 * @throws LocalTlsError STORE_LOCKED, IO_ERROR, or whatever `fn` throws
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const release = await acquireLock(lockPath, options);
  try {
    return await fn();
  } finally {
    await release();
  }
}

async function inspect(lockPath: string): Promise<{ ino: number; since: number; info: LockInfo | undefined } | undefined> {
  try {
    const info = await stat(lockPath);
    const text = await readFile(lockPath, 'utf8');
    return { ino: info.ino, since: info.mtimeMs, info: parse(text) };
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // released meanwhile
    throw ioError(lockPath, 'read', cause);
  }
}

function parse(text: string): LockInfo | undefined {
  try {
    const value = JSON.parse(text) as LockInfo;
    if (Number.isInteger(value.pid) && typeof value.host === 'string' && typeof value.token === 'string' && Number.isFinite(value.createdAt)) return value;
  } catch { /* empty or partly written */ }
  return undefined;
}

function isStale(holder: { since: number; info: LockInfo | undefined }, staleMs: number): boolean {
  const now = Date.now();
  if (!holder.info) return now - holder.since > EMPTY_LOCK_GRACE_MS;
  if (now - holder.info.createdAt > staleMs) return true;
  return holder.info.host === hostname() && !processAlive(holder.info.pid);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Moves the stale lock aside; if what was moved is not the file judged stale, puts it back. */
async function breakStale(lockPath: string, staleIno: number, staleToken: string | undefined): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else recovered it
    throw ioError(lockPath, 'recover', cause);
  }
  try {
    const moved = await stat(aside);
    const token = parse(await readFile(aside, 'utf8'))?.token;
    if (moved.ino !== staleIno || token !== staleToken) await link(aside, lockPath).catch(() => undefined); // a live lock: restore it
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  try {
    const info = parse(await readFile(lockPath, 'utf8'));
    if (info?.token === token) await unlink(lockPath);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(lockPath, 'release', cause);
  }
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function ioError(path: string, verb: string, cause: unknown): LocalTlsError {
  return new LocalTlsError('IO_ERROR', `lock ${path}: expected to ${verb} it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
