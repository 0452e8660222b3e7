/**
 * Permission checks for store directories and files. Decided from the mode bits reported by
 * `stat` (so they also hold when running as root, where access checks always pass).
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { IdentityError, LocalTlsError } from '../errors.js';

/** Which group/other permission bits make a path insecure. */
export type PermissionRule = 'private' | 'not-writable';

/** Mode bits that a path must not have under each rule. */
const FORBIDDEN: Record<PermissionRule, number> = {
  /** Secrets: no access at all for group or others. */
  private: 0o077,
  /** Public data whose integrity matters (installed roots, known hosts): nobody else may write. */
  'not-writable': 0o022,
};

/**
 * Throws INSECURE_PERMISSIONS when `path` grants group or others what `rule` forbids (default
 * 'private': any group/other bit), or is owned by another user (unless we run as root). No-op on
 * Windows, where mode bits do not describe access. Missing paths are ignored (returns false).
 *
 * @example
 * ```ts
 * await checkPermissions('/home/ana/.local/share/localtls/identities');   // throws if mode is 0755
 * ```
 * @returns true when the path exists
 * @throws IdentityError INSECURE_PERMISSIONS naming the path, its mode and the expected mode
 */
export async function checkPermissions(path: string, rule: PermissionRule = 'private'): Promise<boolean> {
  let info;
  try {
    info = await stat(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new LocalTlsError('IO_ERROR', `${path}: expected to read its permissions; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  checkStats(path, info, rule);
  return true;
}

/**
 * The check of {@link checkPermissions} on `stat` results already at hand (saves a system call).
 *
 * @example
 * ```ts
 * const info = await stat(file); checkStats(file, info, 'private');
 * ```
 * @throws IdentityError INSECURE_PERMISSIONS
 */
export function checkStats(path: string, info: Stats, rule: PermissionRule = 'private'): void {
  if (process.platform === 'win32') return;
  const kind = info.isDirectory() ? 'directory' : 'file';
  const mode = info.mode & 0o777;
  const expected = info.isDirectory() ? 0o700 : 0o600;
  if (mode & FORBIDDEN[rule]) {
    const what = rule === 'private' ? 'accessible by group or others' : 'writable by group or others';
    throw new IdentityError('INSECURE_PERMISSIONS', `${kind} ${path} is ${what} (mode ${octal(mode)}); expected ${octal(expected)}`, {
      hint: `run: chmod ${octal(expected)} '${path}' (or pass allowInsecurePermissions: true to accept it)`,
      details: { path, mode: octal(mode), expected: octal(expected) },
    });
  }
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0 && info.uid !== uid) {
    throw new IdentityError('INSECURE_PERMISSIONS', `${kind} ${path} is owned by user ${info.uid}; expected the current user (${uid})`, {
      hint: `run: chown ${uid} '${path}' (or pass allowInsecurePermissions: true to accept it)`,
      details: { path, owner: info.uid, expectedOwner: uid },
    });
  }
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
