/**
 * Where localtls keeps its state by default: one home directory per user, holding the identity
 * store, the trust store and the known-hosts file. `LOCALTLS_HOME` overrides it everywhere.
 */
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/** Inputs to {@link localtlsHome}; all default to the running process's own. */
export interface HomeOptions {
  /** Environment to read `LOCALTLS_HOME`, `XDG_DATA_HOME` and `LOCALAPPDATA` from. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Platform name. Default: `process.platform`. */
  platform?: NodeJS.Platform;
  /** The user's home directory. Default: `os.homedir()`. */
  home?: string;
}

/**
 * The localtls home directory: `$LOCALTLS_HOME` when set; otherwise the per-user data directory:
 * `$XDG_DATA_HOME/localtls` (default `~/.local/share/localtls`) on Linux and other Unix systems,
 * `~/Library/Application Support/localtls` on macOS, `%LOCALAPPDATA%\localtls` on Windows.
 *
 * @example
 * ```ts
 * localtlsHome();                                            // '/home/ana/.local/share/localtls'
 * localtlsHome({ env: { LOCALTLS_HOME: '/srv/desk' } });     // '/srv/desk'
 * ```
 */
export function localtlsHome(options: HomeOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const home = options.home ?? homedir();
  if (env.LOCALTLS_HOME) return resolve(env.LOCALTLS_HOME);
  if (platform === 'win32') return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'localtls');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'localtls');
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share'), 'localtls');
}

/** The default locations inside a localtls home directory. */
export interface StorePaths {
  /** The home directory itself. */
  home: string;
  /** The identity store directory: `<home>/identities`. */
  identities: string;
  /** The trust store directory (installed roots): `<home>/trust`. */
  trust: string;
  /** The known-hosts (trust on first use) file: `<home>/known_hosts.json`. */
  knownHosts: string;
}

/**
 * The default identity store, trust store and known-hosts locations under `home`
 * (default {@link localtlsHome}()).
 *
 * @example
 * ```ts
 * const { identities, trust, knownHosts } = storePaths();
 * ```
 */
export function storePaths(home: string = localtlsHome()): StorePaths {
  return { home, identities: join(home, 'identities'), trust: join(home, 'trust'), knownHosts: join(home, 'known_hosts.json') };
}
