/**
 * Crash-safe file writes: data goes to a temp file in the same directory, is fsynced, renamed over
 * the target, and the directory is fsynced. A crash leaves the old file or the new one, never half.
 */
import { open, rename, unlink, mkdir, chmod } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { LocalTlsError } from '../errors.js';

/** Prefix of temp files, so stale ones can be found and removed. */
export const TEMP_PREFIX = '.localtls-tmp-';

/** Creates `dir` (and parents) with the given mode if it does not exist. */
export async function ensureDirectory(dir: string, mode = 0o700): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode });
  } catch (cause) {
    throw new LocalTlsError('IO_ERROR', `directory ${dir}: expected to create it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

/** Fsyncs a directory so a rename or unlink in it survives a crash (ignored where unsupported). */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try { await handle.sync(); } catch { /* some filesystems refuse directory fsync */ } finally { await handle.close(); }
}

/**
 * Writes `data` to `path` atomically with `mode` (default 0600).
 * @throws LocalTlsError IO_ERROR naming the file
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `${TEMP_PREFIX}${basename(path)}-${randomBytes(6).toString('hex')}`);
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await chmod(path, mode);
    await fsyncDirectory(dir);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw new LocalTlsError('IO_ERROR', `file ${path}: expected to write it atomically; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}
