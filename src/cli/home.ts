/**
 * The CLI's state directory and what lives in it:
 *
 * ```
 * <home>/ca/ca.pem, ca-key.pem     the local CA (key encrypted with the home passphrase)
 * <home>/identities/               the identity store (IdentityStore; same passphrase)
 * <home>/trust/                    installed roots (TrustStore)
 * <home>/known_hosts.json          trust on first use
 * ```
 *
 * `--home DIR` wins over `LOCALTLS_HOME`, which wins over the per-user data directory.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Certificate, CertificateAuthority, IdentityStore, LocalTlsError, TrustStore, localtlsHome, storePaths } from '../index.js';
import type { Context } from './command.js';

/** Resolves the home directory from `--home` or the environment. @example `resolveHome('/tmp/x', process.env)` */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv): string {
  return option ? resolve(option) : localtlsHome({ env });
}

/** The CA directory inside a home. */
export function caDir(home: string): string {
  return join(home, 'ca');
}

/** The CA's root certificate file inside a home. */
export function caCertFile(home: string): string {
  return join(caDir(home), 'ca.pem');
}

function noCa(home: string, cause?: unknown): LocalTlsError {
  return new LocalTlsError('IO_ERROR', `localtls home ${home}: expected a CA in ${caDir(home)}; found none`, {
    cause, hint: 'create one with `localtls ca create` (or choose another home with --home / LOCALTLS_HOME)',
  });
}

/** The home CA's root certificate (no passphrase needed). @throws IO_ERROR when there is no CA */
export async function readCaCertificate(ctx: Context): Promise<Certificate> {
  let pem: string;
  try {
    pem = await readFile(caCertFile(ctx.home), 'utf8');
  } catch (cause) {
    throw noCa(ctx.home, cause);
  }
  return Certificate.from(pem);
}

/** The home CA with its key (asks for the home passphrase). @throws IO_ERROR, BAD_PASSWORD */
export async function loadCa(ctx: Context): Promise<CertificateAuthority> {
  await readCaCertificate(ctx);
  const passphrase = await ctx.secrets.get('home', 'passphrase of the CA key');
  return CertificateAuthority.load(caDir(ctx.home), { passphrase });
}

/** The home's identity store (asks for the home passphrase). @throws BAD_PASSWORD, IO_ERROR */
export async function openIdentityStore(ctx: Context): Promise<IdentityStore> {
  const passphrase = await ctx.secrets.get('home', 'passphrase of the identity store');
  return IdentityStore.open({ dir: storePaths(ctx.home).identities, passphrase });
}

/** The home's trust store (installed roots). */
export async function openTrustStore(ctx: Context): Promise<TrustStore> {
  return TrustStore.open({ dir: storePaths(ctx.home).trust });
}

/**
 * Roots to trust for `connect` and `inspect`: the trust store's roots (`ca create` installs the
 * home CA's root there) plus `extra` (from `--ca FILE`).
 */
export async function trustAnchors(ctx: Context, extra: Certificate[]): Promise<Certificate[]> {
  const anchors = [...extra, ...await (await openTrustStore(ctx)).certificates()];
  const seen = new Set<string>();
  return anchors.filter((c) => !seen.has(c.fingerprintSha256) && seen.add(c.fingerprintSha256));
}
