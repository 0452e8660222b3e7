/** Reading inputs and writing outputs for the CLI, with errors that name the file. */
import { chmod, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Certificate, Identity, LocalTlsError } from '../index.js';
import type { Secrets } from './secrets.js';

/** Reads a file's bytes. @throws IO_ERROR naming the file */
export async function readBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new LocalTlsError('IO_ERROR', `${what} ${file}: expected a readable file; ${(cause as NodeJS.ErrnoException).code ?? 'could not read it'}`, { cause });
  }
}

/** True when bytes look like PEM text. */
export function isPemText(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 4096)).toString('latin1').includes('-----BEGIN ');
}

/** Reads one or more certificates from a PEM (bundle) or DER file. @throws IO_ERROR, MALFORMED */
export async function readCertificates(file: string, what = 'certificate file'): Promise<Certificate[]> {
  const bytes = await readBytes(file, what);
  if (isPemText(bytes)) return Certificate.fromPEMBundle(Buffer.from(bytes).toString('utf8'));
  return [Certificate.from(bytes)];
}

/** Reads exactly the first certificate of a file. */
export async function readCertificate(file: string, what = 'certificate file'): Promise<Certificate> {
  return (await readCertificates(file, what))[0]!;
}

/** Reads a text file. @throws IO_ERROR */
export async function readText(file: string, what: string): Promise<string> {
  return Buffer.from(await readBytes(file, what)).toString('utf8');
}

/**
 * Writes a file through a temp file and a rename, with `mode` (0600 for anything secret),
 * replacing an existing file. @throws IO_ERROR
 */
export async function writeOutput(file: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.localtls-${process.pid}-${Date.now()}`);
  try {
    await writeFile(temp, data, { mode, flag: 'wx' });
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (cause) {
    await unlink(temp).catch(() => undefined);
    throw new LocalTlsError('IO_ERROR', `output ${file}: expected to write it; ${(cause as NodeJS.ErrnoException).code ?? 'failed'}`, { cause });
  }
}

/** A file name made from a host (wildcards become `_wildcard`), e.g. `listener-name.local`. */
export function fileStem(host: string): string {
  return host.replace(/^\*\./, '_wildcard.').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** An identity from a PEM chain file and a PEM key file (default: the key inside the chain file). */
export async function identityFromFiles(certFile: string, keyFile: string | undefined): Promise<Identity> {
  const chainPem = await readText(certFile, 'certificate file');
  const keyPem = keyFile ? await readText(keyFile, 'key file') : chainPem;
  return Identity.fromPEM(chainPem, keyPem);
}

/**
 * The identity in a PKCS#12 file, opened with the PKCS#12 password (--p12-password-file,
 * $LOCALTLS_P12_PASSPHRASE, else a prompt naming the file). The file is read before the password
 * is asked for.
 * @example `const identity = await identityFromPkcs12File('front-desk.p12', ctx.secrets)`
 * @throws IO_ERROR naming the file; BAD_PASSWORD; MALFORMED
 */
export async function identityFromPkcs12File(file: string, secrets: Secrets): Promise<Identity> {
  const bytes = await readBytes(file, 'PKCS#12 file');
  return Identity.fromPKCS12(bytes, await secrets.get('p12', `password of ${file}`));
}
