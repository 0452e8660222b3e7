/**
 * IdentityStore: identities kept on disk under a label, encrypted with a passphrase — the
 * localtls counterpart of SecItemAdd / SecItemCopyMatching by label. One file per item, written
 * atomically under a cross-process lock; see docs/stores.md for the format.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, IdentityError, LocalTlsError } from '../errors.js';
import { booleanOption, describe, knownKeys, nonEmptyString } from '../internal/options.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { Identity } from '../identity/identity.js';
import { checkKdfParams, type KdfParams } from './item-crypto.js';
import { withLock, type LockOptions } from './lock.js';
import { checkStats } from './permissions.js';
import { storePaths } from './paths.js';
import { cleanStaleTempsIfIdle, prepareDirectory } from './store-directory.js';
import { ioError, listItemFiles, removeItemFile } from './store-files.js';
import { checkLabel, identityOfItem, ITEM_SUFFIX, itemFile, itemHeader, itemInfo, openIdentityItem, sealIdentityItem, statItem, type ItemHeader, type StoredIdentityInfo } from './identity-item.js';
import { unlockStore } from './identity-store-key.js';

export type { StoredIdentityInfo } from './identity-item.js';

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

const LOCK = '.lock';
const DAY_MS = 86_400_000;

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
    const allowInsecure = booleanOption('allowInsecurePermissions', options.allowInsecurePermissions ?? false);
    const kdf = checkKdfParams('kdf', options.kdf);
    const lock = options.lock ?? {};
    const lockPath = join(dir, LOCK);

    await prepareDirectory(dir, { rule: 'private', allowInsecure });
    const master = await unlockStore(dir, passphrase, { allowInsecure, kdf, lockPath, lock });
    await cleanStaleTempsIfIdle(lockPath, dir, lock);
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
    const replace = booleanOption('replace', options.replace ?? false);
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
    const identity = identityOfItem(file, header, plaintext);
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
    await withLock(join(this.dir, LOCK), () => removeItemFile(file, this.dir, {
      what: 'identity store item',
      notFound: () => new IdentityError('ITEM_NOT_FOUND', `identity store ${this.dir}: expected an item labelled ${JSON.stringify(label)} to delete; found none`, { details: { label } }),
    }), this.#lock);
    this.#cache.delete(label);
  }

  /** A short description (never secrets). */
  toString(): string {
    return `IdentityStore(${this.dir})`;
  }

  #file(label: string): string {
    return itemFile(this.dir, label);
  }

  async #write(label: string, identity: Identity, mode: 'new' | 'existing' | 'any'): Promise<StoredIdentityInfo> {
    const header = itemHeader(label, identity);
    const body = sealIdentityItem(this.#master, header, identity);
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
    return itemInfo(header);
  }

  /** Reads, parses and decrypts one item file. @throws CORRUPT_ITEM, IO_ERROR */
  async #read(file: string, expectedLabel: string | undefined): Promise<{ header: ItemHeader; plaintext: Buffer }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw ioError(`identity store item ${file}`, 'read it', cause);
    }
    return openIdentityItem(this.#master, file, text, expectedLabel);
  }

  async #scan(): Promise<{ items: StoredIdentityInfo[]; problems: StoreProblem[] }> {
    const items: StoredIdentityInfo[] = [];
    const problems: StoreProblem[] = [];
    for (const name of (await listItemFiles(this.dir, ITEM_SUFFIX, 'identity store')).sort()) {
      const file = join(this.dir, name);
      try {
        const info = await statItem(file);
        if (!info) continue; // deleted meanwhile
        if (!this.#allowInsecure) checkStats(file, info, 'private');
        items.push(itemInfo((await this.#read(file, undefined)).header));
      } catch (error) {
        if (!(error instanceof LocalTlsError)) throw error;
        problems.push({ file, label: (error.details?.label as string | undefined), error });
      }
    }
    items.sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return { items, problems };
  }
}
