/**
 * IdentityStore: identities kept on disk under a label, encrypted with a passphrase — the
 * localtls counterpart of SecItemAdd / SecItemCopyMatching by label. One file per item, written
 * atomically under a cross-process lock; see docs/stores.md for the format.
 */
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { ConfigError, IdentityError, LocalTlsError } from '../errors.js';
import { describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { fsyncDirectory, writeFileAtomic } from '../internal/atomic-file.js';
import { Identity } from '../identity/identity.js';
import { checkKdfParams, deriveMasterKey, makeVerifier, openItem, sealItem, verifierMatches, type KdfParams } from './item-crypto.js';
import { withLock, type LockOptions } from './lock.js';
import { checkStats } from './permissions.js';
import { storePaths } from './paths.js';
import { cleanStaleTemps, prepareDirectory } from './store-directory.js';

/** Options of {@link IdentityStore.open}. */
export interface IdentityStoreOptions {
  /** The store directory. Default: `<localtls home>/identities` (see {@link localtlsHome}). */
  dir?: string;
  /** The passphrase that encrypts every item. Required; never logged or put in errors. */
  passphrase: string;
  /** Accept a directory or files readable by group/others. Default: false (INSECURE_PERMISSIONS). */
  allowInsecurePermissions?: boolean;
  /** scrypt cost, used only when the store is created. Default: {@link DEFAULT_KDF} (N = 2^17, r = 8, p = 1). */
  kdf?: Partial<KdfParams>;
  /** Lock timing for writes. Default: wait up to 10 s; a lock is stale after 30 s or when its process is gone. */
  lock?: LockOptions;
}

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

/** Options of {@link IdentityStore.add}. */
export interface AddIdentityOptions {
  /** The label (1–200 characters, no control characters). Case-sensitive. */
  label: string;
  /** Overwrite an item with the same label. Default: false (DUPLICATE_ITEM). */
  replace?: boolean;
}

/** A store item that could not be read, as reported by {@link IdentityStore.check}. */
export interface StoreProblem {
  /** The item's file. */
  file: string;
  /** The label, when the file still names one. */
  label: string | undefined;
  /** CORRUPT_ITEM or INSECURE_PERMISSIONS. */
  error: LocalTlsError;
}

const MANIFEST = 'store.json';
const LOCK = '.lock';
const ITEM_SUFFIX = '.item';
const MANIFEST_FORMAT = 'localtls-identity-store';
const ITEM_FORMAT = 'localtls-identity-item';
const MAX_ITEM_BYTES = 1024 * 1024;
const DAY_MS = 86_400_000;

interface Manifest { salt: Buffer; kdf: KdfParams; verifier: Buffer }
interface ItemHeader { label: string; subject: string; hosts: string[]; notBefore: string; notAfter: string; fingerprintSha256: string; spkiSha256: string; storedAt: string }

/** Master keys already derived in this process, keyed by a keyed hash (never the passphrase itself). */
const keyCache = new Map<string, Buffer>();
const cacheSecret = randomBytes(32);

/**
 * Identities on disk under labels, encrypted at rest with a key derived from a passphrase.
 * Directory 0700, files 0600, atomic writes, a lock file for writers; see docs/stores.md.
 *
 * @example
 * ```ts
 * const store = await IdentityStore.open({ passphrase: process.env.LOCALTLS_PASSPHRASE! });
 * await store.add(identity, { label: 'front-desk' });
 * const same = await store.get('front-desk');
 * for (const item of await store.expiring({ within: 30 })) console.warn(`${item.label} expires ${item.notAfter}`);
 * ```
 */
export class IdentityStore {
  /** The store directory. */
  readonly dir: string;
  readonly #master: Buffer;
  readonly #allowInsecure: boolean;
  readonly #lock: LockOptions;
  readonly #cache = new Map<string, { ino: number; mtimeMs: number; size: number; identity: Identity }>();

  private constructor(dir: string, master: Buffer, allowInsecure: boolean, lock: LockOptions) {
    this.dir = dir;
    this.#master = master;
    this.#allowInsecure = allowInsecure;
    this.#lock = lock;
  }

  /**
   * Opens the store in `dir`, creating it (and its key parameters) on first use. Derives the key
   * from the passphrase once (asynchronously; cached for the process) and removes temp files left
   * by crashed writers.
   *
   * @example
   * ```ts
   * const store = await IdentityStore.open({ dir: '/srv/desk/identities', passphrase });
   * ```
   * @throws IdentityError BAD_PASSWORD, INSECURE_PERMISSIONS, CORRUPT_ITEM (store.json); LocalTlsError STORE_LOCKED, IO_ERROR; ConfigError INVALID_OPTION
   */
  static async open(options: IdentityStoreOptions): Promise<IdentityStore> {
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `IdentityStore.open: expected { passphrase, dir? }; found ${describe(options)}`);
    knownKeys('IdentityStore.open', options, ['dir', 'passphrase', 'allowInsecurePermissions', 'kdf', 'lock']);
    const passphrase = nonEmptyString('passphrase', options.passphrase);
    const dir = resolve(options.dir === undefined ? storePaths().identities : nonEmptyString('dir', options.dir));
    const allowInsecure = options.allowInsecurePermissions ?? false;
    if (typeof allowInsecure !== 'boolean') throw new ConfigError('INVALID_OPTION', `allowInsecurePermissions: expected true or false; found ${describe(allowInsecure)}`);
    const kdf = checkKdfParams('kdf', options.kdf);
    const lock = options.lock ?? {};
    const lockPath = join(dir, LOCK);

    await prepareDirectory(dir, { rule: 'private', allowInsecure });
    let manifest = await readManifest(dir, allowInsecure);
    let master: Buffer | undefined;
    if (!manifest) {
      const fresh: Manifest = { salt: randomBytes(16), kdf, verifier: Buffer.alloc(0) };
      master = await cachedDerive(passphrase, fresh);
      fresh.verifier = makeVerifier(master);
      manifest = await withLock(lockPath, async () => {
        const existing = await readManifest(dir, allowInsecure);
        if (existing) return existing;
        const items = (await readdir(dir)).filter((n) => n.endsWith(ITEM_SUFFIX));
        if (items.length > 0) {
          throw corrupt(join(dir, MANIFEST), undefined, `it is missing while ${items.length} item(s) exist`, 'restore store.json from a backup; without it the items cannot be decrypted');
        }
        await writeFileAtomic(join(dir, MANIFEST), JSON.stringify({
          format: MANIFEST_FORMAT, version: 1,
          kdf: { name: 'scrypt', ...fresh.kdf, salt: fresh.salt.toString('base64') },
          verifier: fresh.verifier.toString('base64'), createdAt: new Date().toISOString(),
        }, null, 2) + '\n');
        return fresh;
      }, lock);
      if (manifest !== fresh) master = undefined;
    }
    master ??= await cachedDerive(passphrase, manifest);
    if (!verifierMatches(master, manifest.verifier)) {
      throw new IdentityError('BAD_PASSWORD', `identity store ${dir}: the passphrase does not match the one the store was created with`, {
        hint: 'check the passphrase (LOCALTLS_PASSPHRASE or --password-file)',
      });
    }
    await withLock(lockPath, () => cleanStaleTemps(dir), { ...lock, timeoutMs: 0 }).catch((e: unknown) => {
      if (!(e instanceof LocalTlsError && e.code === 'STORE_LOCKED')) throw e; // busy: the next open cleans up
    });
    return new IdentityStore(dir, master, allowInsecure, lock);
  }

  /**
   * Stores `identity` under `label`. Fails with DUPLICATE_ITEM when the label exists, unless
   * `replace` is true.
   *
   * @example
   * ```ts
   * await store.add(identity, { label: 'front-desk' });
   * await store.add(renewed, { label: 'front-desk', replace: true });
   * ```
   * @returns the stored item's public facts
   * @throws IdentityError DUPLICATE_ITEM; LocalTlsError STORE_LOCKED, IO_ERROR; ConfigError INVALID_OPTION
   */
  async add(identity: Identity, options: AddIdentityOptions): Promise<StoredIdentityInfo> {
    if (!(identity instanceof Identity)) throw new ConfigError('INVALID_OPTION', `identity: expected an Identity; found ${describe(identity)}`);
    if (!options || typeof options !== 'object') throw new ConfigError('INVALID_OPTION', `add options: expected { label, replace? }; found ${describe(options)}`);
    knownKeys('IdentityStore.add', options, ['label', 'replace']);
    const replace = options.replace ?? false;
    if (typeof replace !== 'boolean') throw new ConfigError('INVALID_OPTION', `replace: expected true or false; found ${describe(replace)}`);
    return this.#write(checkLabel(options.label), identity, replace ? 'any' : 'new');
  }

  /**
   * Replaces the identity stored under `label` (for example after renewal). The label must exist.
   *
   * @example
   * ```ts
   * await store.replace('front-desk', renewed);
   * ```
   * @throws IdentityError ITEM_NOT_FOUND; LocalTlsError STORE_LOCKED, IO_ERROR
   */
  async replace(label: string, identity: Identity): Promise<StoredIdentityInfo> {
    if (!(identity instanceof Identity)) throw new ConfigError('INVALID_OPTION', `identity: expected an Identity; found ${describe(identity)}`);
    return this.#write(checkLabel(label), identity, 'existing');
  }

  /**
   * Loads the identity stored under `label` (its `friendlyName` is the label). Cheap when the item
   * has not changed since the last call: the decoded identity is cached per file version.
   *
   * @example
   * ```ts
   * const identity = await store.get('front-desk');
   * ```
   * @throws IdentityError ITEM_NOT_FOUND, CORRUPT_ITEM (naming the item), INSECURE_PERMISSIONS
   */
  async get(label: string): Promise<Identity> {
    checkLabel(label);
    const file = this.#file(label);
    const info = await statItem(file);
    if (!info) {
      const known = (await this.#scan()).items.map((i) => i.label);
      throw new IdentityError('ITEM_NOT_FOUND', `identity store ${this.dir}: expected an item labelled ${JSON.stringify(label)}; found ${known.length === 0 ? 'no items' : `only ${known.slice(0, 10).map((l) => JSON.stringify(l)).join(', ')}${known.length > 10 ? ', …' : ''}`}`, {
        hint: 'add it first: store.add(identity, { label })', details: { label },
      });
    }
    if (!this.#allowInsecure) checkStats(file, info, 'private');
    const cached = this.#cache.get(label);
    if (cached && cached.ino === info.ino && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached.identity;
    const { header, plaintext } = await this.#read(file, label);
    let identity: Identity;
    try {
      const pem = JSON.parse(plaintext.toString('utf8')) as { certificatePem: string; keyPem: string };
      identity = Identity.fromPEM(pem.certificatePem, pem.keyPem).withFriendlyName(header.label);
    } catch (cause) {
      throw corrupt(file, label, `its decrypted content is not an identity (${(cause as Error).message})`, undefined, cause);
    }
    this.#cache.set(label, { ino: info.ino, mtimeMs: info.mtimeMs, size: info.size, identity });
    return identity;
  }

  /**
   * True when an item is stored under `label` (does not decrypt it).
   *
   * @example
   * ```ts
   * if (!(await store.has('front-desk'))) await store.add(await ca.issue({ hosts }), { label: 'front-desk' });
   * ```
   */
  async has(label: string): Promise<boolean> {
    return (await statItem(this.#file(checkLabel(label)))) !== undefined;
  }

  /**
   * Lists the readable items (labels, subjects, validity, fingerprints; never secrets), sorted by
   * label. Each item's authentication tag is checked; unreadable items are left out (see
   * {@link IdentityStore.check}).
   *
   * @example
   * ```ts
   * for (const item of await store.list()) console.log(item.label, item.subject, item.notAfter);
   * ```
   */
  async list(): Promise<StoredIdentityInfo[]> {
    return (await this.#scan()).items;
  }

  /**
   * Items that could not be read (corrupt, tampered, or with insecure permissions), each with the
   * error `get` would raise. Empty when the store is healthy.
   *
   * @example
   * ```ts
   * for (const p of await store.check()) console.error(p.error.toString());
   * ```
   */
  async check(): Promise<StoreProblem[]> {
    return (await this.#scan()).problems;
  }

  /**
   * Items whose leaf expires within `within` days of `time` (default: now), expired ones
   * included, soonest first.
   *
   * @example
   * ```ts
   * const soon = await store.expiring({ within: 30 });
   * ```
   */
  async expiring(options: { within?: number; time?: Date } = {}): Promise<StoredIdentityInfo[]> {
    knownKeys('IdentityStore.expiring', options, ['within', 'time']);
    const within = options.within ?? 30;
    if (typeof within !== 'number' || !Number.isFinite(within) || within < 0) throw new ConfigError('INVALID_OPTION', `within: expected a number of days (0 or more); found ${describe(within)}`);
    const now = (options.time ?? new Date()).getTime();
    return (await this.list()).filter((i) => i.notAfter.getTime() - now <= within * DAY_MS).sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
  }

  /**
   * Deletes the item stored under `label`.
   *
   * @example
   * ```ts
   * await store.delete('old-printer');
   * ```
   * @throws IdentityError ITEM_NOT_FOUND; LocalTlsError STORE_LOCKED, IO_ERROR
   */
  async delete(label: string): Promise<void> {
    const file = this.#file(checkLabel(label));
    await withLock(join(this.dir, LOCK), async () => {
      try {
        await unlink(file);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new IdentityError('ITEM_NOT_FOUND', `identity store ${this.dir}: expected an item labelled ${JSON.stringify(label)} to delete; found none`, { details: { label } });
        }
        throw new LocalTlsError('IO_ERROR', `identity store item ${file}: expected to delete it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
      }
      await fsyncDirectory(this.dir);
    }, this.#lock);
    this.#cache.delete(label);
  }

  /** A short description (never secrets). */
  toString(): string {
    return `IdentityStore(${this.dir})`;
  }

  #file(label: string): string {
    return join(this.dir, createHash('sha256').update(label, 'utf8').digest('hex') + ITEM_SUFFIX);
  }

  async #write(label: string, identity: Identity, mode: 'new' | 'existing' | 'any'): Promise<StoredIdentityInfo> {
    const leaf = identity.certificate;
    const header: ItemHeader = {
      label, subject: leaf.subject, hosts: leaf.subjectAltNames.map((s) => s.value),
      notBefore: leaf.notBefore.toISOString(), notAfter: leaf.notAfter.toISOString(),
      fingerprintSha256: leaf.fingerprintSha256, spkiSha256: leaf.spkiSha256.base64, storedAt: new Date().toISOString(),
    };
    const headerJson = JSON.stringify(header);
    const { certificatePem, keyPem } = identity.toPEM();
    const sealed = sealItem(this.#master, Buffer.from(headerJson, 'utf8'), Buffer.from(JSON.stringify({ certificatePem, keyPem }), 'utf8'));
    const body = JSON.stringify({
      format: ITEM_FORMAT, version: 1, header: headerJson,
      salt: sealed.salt.toString('base64'), iv: sealed.iv.toString('base64'),
      ciphertext: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64'),
    }) + '\n';
    const file = this.#file(label);
    await withLock(join(this.dir, LOCK), async () => {
      const exists = (await statItem(file)) !== undefined;
      if (exists && mode === 'new') {
        throw new IdentityError('DUPLICATE_ITEM', `identity store ${this.dir}: expected no item labelled ${JSON.stringify(label)}; found one`, {
          hint: 'pass { replace: true } or call store.replace(label, identity) to overwrite it', details: { label },
        });
      }
      if (!exists && mode === 'existing') {
        throw new IdentityError('ITEM_NOT_FOUND', `identity store ${this.dir}: expected an item labelled ${JSON.stringify(label)} to replace; found none`, { details: { label } });
      }
      await writeFileAtomic(file, body, 0o600);
    }, this.#lock);
    return infoOf(header);
  }

  /** Reads, parses and decrypts one item file. @throws CORRUPT_ITEM */
  async #read(file: string, expectedLabel: string | undefined): Promise<{ header: ItemHeader; plaintext: Buffer }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new LocalTlsError('IO_ERROR', `identity store item ${file}: expected to read it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
    }
    let envelope: Record<string, unknown>;
    let header: ItemHeader;
    try {
      if (text.length > MAX_ITEM_BYTES) throw new Error(`it is ${text.length} bytes, more than ${MAX_ITEM_BYTES}`);
      envelope = JSON.parse(text) as Record<string, unknown>;
      if (envelope.format !== ITEM_FORMAT || envelope.version !== 1 || typeof envelope.header !== 'string') throw new Error('it is not a version 1 localtls identity item');
      header = JSON.parse(envelope.header) as ItemHeader;
      if (typeof header.label !== 'string') throw new Error('its header has no label');
    } catch (cause) {
      throw corrupt(file, expectedLabel, `it does not parse (${(cause as Error).message})`, undefined, cause);
    }
    const label = header.label;
    if (expectedLabel !== undefined && label !== expectedLabel) throw corrupt(file, expectedLabel, `its header names another label (${JSON.stringify(label)})`);
    if (this.#file(label) !== file) throw corrupt(file, label, 'its label does not match its file name');
    const b64 = (key: string): Buffer => Buffer.from(typeof envelope[key] === 'string' ? (envelope[key] as string) : '', 'base64');
    const plaintext = openItem(this.#master, Buffer.from(envelope.header as string, 'utf8'), { salt: b64('salt'), iv: b64('iv'), ciphertext: b64('ciphertext'), tag: b64('tag') });
    if (!plaintext) throw corrupt(file, label, 'its authentication tag does not verify (the file was changed or damaged)');
    return { header, plaintext };
  }

  async #scan(): Promise<{ items: StoredIdentityInfo[]; problems: StoreProblem[] }> {
    const items: StoredIdentityInfo[] = [];
    const problems: StoreProblem[] = [];
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (cause) {
      throw new LocalTlsError('IO_ERROR', `identity store ${this.dir}: expected to list it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
    }
    for (const name of names.filter((n) => n.endsWith(ITEM_SUFFIX) && !n.startsWith('.')).sort()) {
      const file = join(this.dir, name);
      try {
        const info = await statItem(file);
        if (!info) continue; // deleted meanwhile
        if (!this.#allowInsecure) checkStats(file, info, 'private');
        items.push(infoOf((await this.#read(file, undefined)).header));
      } catch (error) {
        if (!(error instanceof LocalTlsError)) throw error;
        problems.push({ file, label: (error.details?.label as string | undefined), error });
      }
    }
    items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return { items, problems };
  }
}

function checkLabel(label: unknown): string {
  const value = nonEmptyString('label', label);
  // eslint-disable-next-line no-control-regex
  if (value.length > 200 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new ConfigError('INVALID_OPTION', `label: expected 1 to 200 characters without control characters; found ${describe(value)}`);
  }
  return value;
}

function infoOf(h: ItemHeader): StoredIdentityInfo {
  return {
    label: h.label, subject: h.subject, hosts: [...(h.hosts ?? [])], notBefore: new Date(h.notBefore), notAfter: new Date(h.notAfter),
    fingerprintSha256: h.fingerprintSha256, spkiSha256: h.spkiSha256, storedAt: new Date(h.storedAt),
  };
}

async function statItem(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LocalTlsError('IO_ERROR', `identity store item ${file}: expected to stat it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

function corrupt(file: string, label: string | undefined, found: string, hint?: string, cause?: unknown): IdentityError {
  const name = label === undefined ? `file ${file}` : `item ${JSON.stringify(label)} (file ${file})`;
  return new IdentityError('CORRUPT_ITEM', `identity store ${name}: expected an intact item sealed with this store's key; ${found}`, {
    hint: hint ?? (label === undefined ? 'restore it from a backup or remove the file' : `restore it from a backup or delete it: store.delete(${JSON.stringify(label)})`),
    details: { file, label }, cause,
  });
}

async function readManifest(dir: string, allowInsecure: boolean): Promise<Manifest | undefined> {
  const path = join(dir, MANIFEST);
  let text: string;
  try {
    if (!allowInsecure) checkStats(path, await stat(path), 'private');
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (cause instanceof LocalTlsError) throw cause;
    throw new LocalTlsError('IO_ERROR', `identity store ${path}: expected to read it; failed (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  try {
    const raw = JSON.parse(text) as { format?: unknown; version?: unknown; kdf?: { name?: unknown; N?: number; r?: number; p?: number; salt?: unknown }; verifier?: unknown };
    if (raw.format !== MANIFEST_FORMAT || raw.version !== 1) throw new Error('it is not a version 1 localtls identity store manifest');
    if (raw.kdf?.name !== 'scrypt' || typeof raw.kdf.salt !== 'string' || typeof raw.verifier !== 'string') throw new Error('its kdf or verifier is missing');
    const kdf = checkKdfParams('store.json kdf', { N: raw.kdf.N, r: raw.kdf.r, p: raw.kdf.p });
    const salt = Buffer.from(raw.kdf.salt, 'base64');
    const verifier = Buffer.from(raw.verifier, 'base64');
    if (salt.length < 16 || verifier.length !== 32) throw new Error('its salt or verifier has the wrong length');
    return { salt, kdf, verifier };
  } catch (cause) {
    throw corrupt(path, undefined, `it does not parse (${(cause as Error).message})`, 'restore store.json from a backup; without it the items cannot be decrypted', cause);
  }
}

async function cachedDerive(passphrase: string, manifest: { salt: Buffer; kdf: KdfParams }): Promise<Buffer> {
  const id = createHmac('sha256', cacheSecret).update(JSON.stringify([manifest.salt.toString('base64'), manifest.kdf.N, manifest.kdf.r, manifest.kdf.p, passphrase])).digest('base64');
  const hit = keyCache.get(id);
  if (hit) return hit;
  const key = await deriveMasterKey(passphrase, manifest.salt, manifest.kdf);
  if (keyCache.size >= 16) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(id, key);
  return key;
}
