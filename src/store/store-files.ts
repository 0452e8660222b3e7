/**
 * Single files inside a store: reading one whose permissions matter, listing item files, removing
 * one, and the IO_ERROR that names the file. Shared by the identity store, the trust store and the
 * known-hosts file.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import { LocalTlsError } from '../errors.js';
import { fsyncDirectory } from '../internal/atomic-file.js';
import { checkStats, type PermissionRule } from './permissions.js';

/**
 * The IO_ERROR for a failed file-system call: `<subject>: expected to <action>; failed (<errno code>)`.
 *
 * @example
 * ```ts
 * throw ioError(`trust store ${dir}`, 'list it', cause);   // "trust store /x: expected to list it; failed (EACCES)"
 * ```
 */
export function ioError(subject: string, action: string, cause: unknown): LocalTlsError {
  return new LocalTlsError('IO_ERROR', `${subject}: expected to ${action}; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
}

/** Where {@link readStoreFile} reads and how it checks. */
export interface ReadStoreFileOptions {
  /** How errors name the file, e.g. 'known hosts' gives "known hosts /path: expected to read it; …". */
  what: string;
  /** The permission rule the file must meet. */
  rule: PermissionRule;
  /** Skip the permission check. Default: false. */
  allowInsecure?: boolean;
}

/**
 * Reads a store file as UTF-8 after checking its permissions (unless `allowInsecure`).
 *
 * @example
 * ```ts
 * const text = await readStoreFile(file, { what: 'known hosts', rule: 'not-writable' });
 * if (text === undefined) console.log('no file yet');
 * ```
 * @returns the text, or undefined when the file does not exist
 * @throws IdentityError INSECURE_PERMISSIONS; LocalTlsError IO_ERROR
 */
export async function readStoreFile(path: string, options: ReadStoreFileOptions): Promise<string | undefined> {
  try {
    if (!options.allowInsecure) checkStats(path, await stat(path), options.rule);
    return await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (cause instanceof LocalTlsError) throw cause;
    throw ioError(`${options.what} ${path}`, 'read it', cause);
  }
}

/**
 * The names of the item files in a store directory: those ending in `suffix`, hidden files (temp
 * files, the lock) left out, in directory order.
 *
 * @example
 * ```ts
 * const names = await listItemFiles(dir, '.pem', 'trust store');
 * ```
 * @throws LocalTlsError IO_ERROR ("<what> <dir>: expected to list it; …")
 */
export async function listItemFiles(dir: string, suffix: string, what: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (cause) {
    throw ioError(`${what} ${dir}`, 'list it', cause);
  }
  return names.filter((n) => n.endsWith(suffix) && !n.startsWith('.'));
}

/**
 * Removes one item file from the store directory `dir` and fsyncs the directory. Call it while
 * holding the store's write lock.
 *
 * @example
 * ```ts
 * await withLock(lockPath, () => removeItemFile(file, dir, { what: 'trust store file', notFound: () => new IdentityError('ITEM_NOT_FOUND', '…') }));
 * ```
 * @throws whatever `notFound` returns when the file does not exist; LocalTlsError IO_ERROR ("<what> <file>: expected to delete it; …")
 */
export async function removeItemFile(file: string, dir: string, options: { what: string; notFound: () => Error }): Promise<void> {
  try {
    await unlink(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') throw options.notFound();
    throw ioError(`${options.what} ${file}`, 'delete it', cause);
  }
  await fsyncDirectory(dir);
}
