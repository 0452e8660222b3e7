/**
 * Preparing a store directory: create it 0700 (parents too), check its permissions, and remove
 * temp files left by writers that crashed. Shared by the identity store, the trust store and the
 * known-hosts file.
 */
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalTlsError } from '../errors.js';
import { ensureDirectory, fsyncDirectory, TEMP_PREFIX } from '../internal/atomic-file.js';
import { checkPermissions, type PermissionRule } from './permissions.js';
import { withLock, type LockOptions } from './lock.js';

/**
 * Creates `dir` (mode 0700) when missing, then checks its permissions under `rule` unless
 * `allowInsecure`.
 *
 * @example
 * ```ts
 * await prepareDirectory('/srv/desk/identities', { rule: 'private' });
 * ```
 * @throws IdentityError INSECURE_PERMISSIONS; LocalTlsError IO_ERROR
 */
export async function prepareDirectory(dir: string, options: { rule: PermissionRule; allowInsecure?: boolean }): Promise<void> {
  await ensureDirectory(dir, 0o700);
  if (!options.allowInsecure) await checkPermissions(dir, options.rule);
}

/**
 * Removes temp files (names starting with `.localtls-tmp-`) left in `dir` by interrupted writes,
 * optionally only those for targets whose name starts with `targetPrefix`. Call it only while
 * holding the directory's write lock: every writer writes its temp files under that lock.
 *
 * @example
 * ```ts
 * await withLock(lockPath, () => cleanStaleTemps(dir));
 * ```
 * @returns how many files were removed
 */
export async function cleanStaleTemps(dir: string, targetPrefix = ''): Promise<number> {
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX + targetPrefix)) continue;
    if (await unlink(join(dir, name)).then(() => true, () => false)) removed++;
  }
  if (removed > 0) await fsyncDirectory(dir).catch(() => undefined);
  return removed;
}

/**
 * {@link cleanStaleTemps} at open time, only when the write lock at `lockPath` is free right now
 * (it does not wait, whatever `lock.timeoutMs` says): a busy lock means a writer is at work, and
 * the next open cleans up instead.
 *
 * @example
 * ```ts
 * await cleanStaleTempsIfIdle(join(dir, '.lock'), dir, options.lock);
 * ```
 * @throws LocalTlsError IO_ERROR (a busy lock, STORE_LOCKED, is not an error here)
 */
export async function cleanStaleTempsIfIdle(lockPath: string, dir: string, lock: LockOptions | undefined, targetPrefix = ''): Promise<void> {
  await withLock(lockPath, () => cleanStaleTemps(dir, targetPrefix), { ...lock, timeoutMs: 0 }).catch((e: unknown) => {
    if (!(e instanceof LocalTlsError && e.code === 'STORE_LOCKED')) throw e;
  });
}
