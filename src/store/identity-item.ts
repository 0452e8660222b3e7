/**
 * One identity-store item on disk: the label it is stored under, the file name that label maps
 * to, and the envelope — a JSON object holding a public header (label, subject, validity,
 * fingerprints) and the identity sealed with the store's key, the header bound as associated
 * data. See docs/stores.md for the format.
 */
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ConfigError, IdentityError } from '../errors.js';
import { describe, nonEmptyString } from '../internal/options.js';
import { Identity } from '../identity/identity.js';
import { openItem, sealItem } from './item-crypto.js';
import { ioError } from './store-files.js';

/** What {@link IdentityStore.list} tells about an item: public facts only, never key material. */
export interface StoredIdentityInfo {
  /** The label it is stored under. */
  label: string;
  /** The leaf certificate's subject. */
  subject: string;
  /** The names and addresses in the leaf's subjectAltName. */
  hosts: string[];
  /** Start of the leaf's validity. */
  notBefore: Date;
  /** End of the leaf's validity. */
  notAfter: Date;
  /** SHA-256 of the leaf certificate (colon hex). */
  fingerprintSha256: string;
  /** SHA-256 of the leaf's public key (base64), usable as a pin. */
  spkiSha256: string;
  /** When this version of the item was written. */
  storedAt: Date;
}

/** The public header of an item, as stored (dates as ISO strings). */
export interface ItemHeader { label: string; subject: string; hosts: string[]; notBefore: string; notAfter: string; fingerprintSha256: string; spkiSha256: string; storedAt: string }

/** The ending of item file names. */
export const ITEM_SUFFIX = '.item';
const ITEM_FORMAT = 'localtls-identity-item';
const MAX_ITEM_BYTES = 1024 * 1024;

/**
 * The file that holds the item labelled `label` in the store directory `dir`: the label's SHA-256
 * (hex) plus `.item`, so labels never appear in file names.
 *
 * @example
 * ```ts
 * itemFile('/srv/desk/identities', 'front-desk');   // '/srv/desk/identities/5c1e….item'
 * ```
 */
export function itemFile(dir: string, label: string): string {
  return join(dir, createHash('sha256').update(label, 'utf8').digest('hex') + ITEM_SUFFIX);
}

/**
 * Checks a label: 1 to 200 characters without control characters (case-sensitive).
 *
 * @example
 * ```ts
 * const label = checkLabel(options.label);
 * ```
 * @throws ConfigError INVALID_OPTION
 */
export function checkLabel(label: unknown): string {
  const value = nonEmptyString('label', label);
  // eslint-disable-next-line no-control-regex
  if (value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigError('INVALID_OPTION', `label: expected 1 to 200 characters without control characters; found ${describe(value)}`);
  }
  return value;
}

/**
 * The header for storing `identity` under `label` now: its leaf's subject, names, validity and
 * fingerprints.
 *
 * @example
 * ```ts
 * const header = itemHeader('front-desk', identity);
 * ```
 */
export function itemHeader(label: string, identity: Identity): ItemHeader {
  const leaf = identity.certificate;
  return {
    label, subject: leaf.subject, hosts: leaf.subjectAltNames.map((s) => s.value),
    notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString(),
    fingerprintSha256: leaf.fingerprintSha256, spkiSha256: leaf.spkiSha256.base64, storedAt: new Date().toISOString(),
  };
}

/**
 * The content of an item file: `header` in the clear, `identity` (chain and key PEM) sealed with
 * `master`, the header bound to it. One line of JSON.
 *
 * @example
 * ```ts
 * await writeFileAtomic(itemFile(dir, label), sealIdentityItem(master, itemHeader(label, identity), identity), 0o600);
 * ```
 */
export function sealIdentityItem(master: Buffer, header: ItemHeader, identity: Identity): string {
  const headerJson = JSON.stringify(header);
  const { certificatePem, keyPem } = identity.toPEM();
  const sealed = sealItem(master, Buffer.from(headerJson, 'utf8'), Buffer.from(JSON.stringify({ certificatePem, keyPem }), 'utf8'));
  return JSON.stringify({
    format: ITEM_FORMAT, version: 1, header: headerJson,
    salt: sealed.salt.toString('base64'), iv: sealed.iv.toString('base64'),
    ciphertext: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64'),
  }) + '\n';
}

/**
 * Parses and decrypts the content of the item file `file`: the envelope must be a version 1
 * item, its label `expectedLabel` (when given) and the one its file name hashes, and its tag must
 * verify under `master`.
 *
 * @example
 * ```ts
 * const { header, plaintext } = openIdentityItem(master, file, await readFile(file, 'utf8'), 'front-desk');
 * ```
 * @throws IdentityError CORRUPT_ITEM naming the file (and the label, when known)
 */
export function openIdentityItem(master: Buffer, file: string, text: string, expectedLabel: string | undefined): { header: ItemHeader; plaintext: Buffer } {
  let envelope: Record<string, unknown>;
  let header: ItemHeader;
  try {
    if (text.length > MAX_ITEM_BYTES) throw new Error(`it is ${text.length} bytes, more than ${MAX_ITEM_BYTES}`);
    envelope = JSON.parse(text) as Record<string, unknown>;
    if (envelope.format !== ITEM_FORMAT || envelope.version !== 1 || typeof envelope.header !== 'string') throw new Error('it is not a version 1 localtls identity item');
    header = JSON.parse(envelope.header) as ItemHeader;
    if (typeof header.label !== 'string') throw new Error('its header has no label');
  } catch (cause) {
    throw corruptItem(file, expectedLabel, `it does not parse (${(cause as Error).message})`, undefined, cause);
  }
  const label = header.label;
  if (expectedLabel !== undefined && label !== expectedLabel) throw corruptItem(file, expectedLabel, `its header names another label (${JSON.stringify(label)})`);
  if (itemFile(dirname(file), label) !== file) throw corruptItem(file, label, 'its label does not match its file name');
  const b64 = (key: string): Buffer => Buffer.from(typeof envelope[key] === 'string' ? (envelope[key] as string) : '', 'base64');
  const plaintext = openItem(master, Buffer.from(envelope.header as string, 'utf8'), { salt: b64('salt'), iv: b64('iv'), ciphertext: b64('ciphertext'), tag: b64('tag') });
  if (!plaintext) throw corruptItem(file, label, 'its authentication tag does not verify (the file was changed or damaged)');
  return { header, plaintext };
}

/**
 * The identity in a decrypted item, named (`friendlyName`) by the header's label.
 *
 * @example
 * ```ts
 * const identity = identityOfItem(file, header, plaintext);
 * ```
 * @throws IdentityError CORRUPT_ITEM when the content is not a chain and key
 */
export function identityOfItem(file: string, header: ItemHeader, plaintext: Buffer): Identity {
  try {
    const pem = JSON.parse(plaintext.toString('utf8')) as { certificatePem: string; keyPem: string };
    return Identity.fromPEM(pem.certificatePem, pem.keyPem).withFriendlyName(header.label);
  } catch (cause) {
    throw corruptItem(file, header.label, `its decrypted content is not an identity (${(cause as Error).message})`, undefined, cause);
  }
}

/**
 * The public facts of a header, dates as Dates.
 *
 * @example
 * ```ts
 * const info = itemInfo(header);   // { label, subject, hosts, notBefore, notAfter, … }
 * ```
 */
export function itemInfo(h: ItemHeader): StoredIdentityInfo {
  return {
    label: h.label, subject: h.subject, hosts: [...(h.hosts ?? [])], notBefore: new Date(h.notBefore), notAfter: new Date(h.notAfter),
    fingerprintSha256: h.fingerprintSha256, spkiSha256: h.spkiSha256, storedAt: new Date(h.storedAt),
  };
}

/**
 * `stat` of an item file.
 *
 * @example
 * ```ts
 * if (!(await statItem(file))) console.log('no such item');
 * ```
 * @returns the stats, or undefined when the file does not exist
 * @throws LocalTlsError IO_ERROR
 */
export async function statItem(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(`identity store item ${file}`, 'stat it', cause);
  }
}

/**
 * The CORRUPT_ITEM error for an item (or store.json) that cannot be read: names the file and the
 * label when known; the default hint says to restore it or delete it.
 *
 * @example
 * ```ts
 * throw corruptItem(file, 'front-desk', 'its authentication tag does not verify');
 * ```
 */
export function corruptItem(file: string, label: string | undefined, found: string, hint?: string, cause?: unknown): IdentityError {
  const name = label === undefined ? `file ${file}` : `item ${JSON.stringify(label)} (file ${file})`;
  return new IdentityError('CORRUPT_ITEM', `identity store ${name}: expected an intact item sealed with this store's key; ${found}`, {
    hint: hint ?? (label === undefined ? 'restore it from a backup or remove the file' : `restore it from a backup or delete it: store.delete(${JSON.stringify(label)})`),
    details: { file, label }, cause,
  });
}
