/**
 * The TLS version floor. Every context localtls builds sets `minVersion` and `maxVersion`
 * explicitly, so a process-wide default lowered with `NODE_OPTIONS=--tls-min-v1.0` never applies.
 */
import { ConfigError } from '../errors.js';
import { describe } from '../internal/options.js';

/** The TLS versions localtls speaks. @example `const v: TlsVersion = 'TLSv1.3'` */
export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** The default floor: TLS 1.2. @example `createListener({ identity, port: 0, minVersion: DEFAULT_MIN_VERSION })` */
export const DEFAULT_MIN_VERSION: TlsVersion = 'TLSv1.2';

/** The ceiling, always set explicitly. */
export const MAX_VERSION: TlsVersion = 'TLSv1.3';

/**
 * Validates a `minVersion` option: `'TLSv1.2'` (default when undefined) or `'TLSv1.3'`.
 * Anything lower is refused with a ConfigError INVALID_OPTION.
 *
 * @example
 * ```ts
 * resolveMinVersion(undefined)   // 'TLSv1.2'
 * resolveMinVersion('TLSv1.1')   // throws ConfigError INVALID_OPTION
 * ```
 */
export function resolveMinVersion(value: unknown, name = 'minVersion'): TlsVersion {
  if (value === undefined) return DEFAULT_MIN_VERSION;
  if (value === 'TLSv1.2' || value === 'TLSv1.3') return value;
  const lower = typeof value === 'string' && /^TLSv1(\.[01])?$/.test(value);
  throw new ConfigError('INVALID_OPTION', `${name}: expected 'TLSv1.2' or 'TLSv1.3'; found ${describe(value)}`, {
    hint: lower ? 'TLS 1.0 and 1.1 are deprecated (RFC 8996) and are not offered by localtls' : undefined,
  });
}
