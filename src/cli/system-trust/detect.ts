/** Which system trust store this machine (or a test's root directory) has. */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The system trust stores localtls knows how to change. */
export type SystemTrustPlatform = 'debian' | 'fedora' | 'macos' | 'windows';

/** Every accepted value of {@link SystemTrustPlatform}, for option validation and help text. */
export const SYSTEM_TRUST_PLATFORMS: readonly SystemTrustPlatform[] = ['debian', 'fedora', 'macos', 'windows'];

/**
 * Detects the system trust store.
 *
 * macOS and Windows are recognised by `process.platform`. Elsewhere the Debian family
 * (update-ca-certificates, /usr/local/share/ca-certificates) is looked for first, then the Fedora
 * family (update-ca-trust, /etc/pki/ca-trust/source/anchors): inside `rootDir` first when given,
 * then on this machine. Only reads: it never changes anything.
 *
 * @returns the platform, or undefined when none is recognised.
 * @example
 * ```ts
 * detectSystemTrustPlatform();                        // 'debian' on Ubuntu
 * detectSystemTrustPlatform({ rootDir: '/tmp/fake' }); // looks in /tmp/fake first
 * ```
 */
export function detectSystemTrustPlatform(options: { rootDir?: string } = {}): SystemTrustPlatform | undefined {
  if (process.platform === 'darwin') return 'macos';
  if (process.platform === 'win32') return 'windows';
  const bases = options.rootDir ? [options.rootDir, '/'] : ['/'];
  for (const base of bases) {
    const has = (path: string): boolean => existsSync(join(base, path));
    if (has('usr/local/share/ca-certificates') || has('usr/sbin/update-ca-certificates') || has('etc/debian_version')) return 'debian';
    if (has('etc/pki/ca-trust/source/anchors') || has('usr/bin/update-ca-trust')) return 'fedora';
  }
  return undefined;
}

/**
 * Finds an executable on PATH (POSIX only; Windows' `certutil` is a different tool from NSS's).
 * @example `findExecutable('certutil') // '/usr/bin/certutil' or undefined`
 */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | undefined {
  if (process.platform === 'win32') return undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
