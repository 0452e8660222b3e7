/**
 * The identity store's key. `store.json` in the store directory holds the scrypt parameters, the
 * salt and a verifier of the master key derived from the passphrase; it is written on first open.
 * Derived keys are cached for the process, keyed by a keyed hash (never the passphrase itself).
 */
import { readdir } from 'node:fs/promises';
import { createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { IdentityError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-file.js';
import { checkKdfParams, deriveMasterKey, makeVerifier, verifierMatches, type KdfParams } from './item-crypto.js';
import { withLock, type LockOptions } from './lock.js';
import { corruptItem, ITEM_SUFFIX } from './identity-item.js';
import { readStoreFile } from './store-files.js';

const MANIFEST = 'store.json';
const MANIFEST_FORMAT = 'localtls-identity-store';
const RESTORE_MANIFEST = 'restore store.json from a backup; without it the items cannot be decrypted';

interface Manifest { salt: Buffer; kdf: KdfParams; verifier: Buffer }

/** Master keys already derived in this process, keyed by a keyed hash (never the passphrase itself). */
const keyCache = new Map<string, Buffer>();
const cacheSecret = randomBytes(32);

/** What {@link unlockStore} needs besides the directory and the passphrase. */
export interface UnlockOptions {
  /** Accept a store.json readable by group/others. */
  allowInsecure: boolean;
  /** scrypt cost for a store created now (already checked). */
  kdf: KdfParams;
  /** The store's write lock file. */
  lockPath: string;
  /** Lock timing. */
  lock: LockOptions;
}

/**
 * The master key of the identity store in `dir` for `passphrase`. Reads store.json, or, when the
 * store is new, writes it (under the lock, unless another process did first) with a fresh salt,
 * `options.kdf` and a verifier of the key. Derivation is asynchronous and cached for the process.
 *
 * @example
 * ```ts
 * const master = await unlockStore(dir, passphrase, { allowInsecure: false, kdf: DEFAULT_KDF, lockPath: join(dir, '.lock'), lock: {} });
 * ```
 * @throws IdentityError BAD_PASSWORD, CORRUPT_ITEM (store.json missing while items exist, or unreadable), INSECURE_PERMISSIONS; LocalTlsError STORE_LOCKED, IO_ERROR
 */
export async function unlockStore(dir: string, passphrase: string, options: UnlockOptions): Promise<Buffer> {
  let manifest = await readManifest(dir, options.allowInsecure);
  let master: Buffer | undefined;
  if (!manifest) {
    const fresh: Manifest = { salt: randomBytes(16), kdf: options.kdf, verifier: Buffer.alloc(0) };
    master = await cachedDerive(passphrase, fresh);
    fresh.verifier = makeVerifier(master);
    manifest = await withLock(options.lockPath, async () => {
      const existing = await readManifest(dir, options.allowInsecure);
      if (existing) return existing;
      const items = (await readdir(dir)).filter((n) => n.endsWith(ITEM_SUFFIX));
      if (items.length > 0) throw corruptItem(join(dir, MANIFEST), undefined, `it is missing while ${items.length} item(s) exist`, RESTORE_MANIFEST);
      await writeFileAtomic(join(dir, MANIFEST), JSON.stringify({
        format: MANIFEST_FORMAT, version: 1,
        kdf: { name: 'scrypt', ...fresh.kdf, salt: fresh.salt.toString('base64') },
        verifier: fresh.verifier.toString('base64'), createdAt: new Date().toISOString(),
      }, null, 2) + '\n');
      return fresh;
    }, options.lock);
    if (manifest !== fresh) master = undefined;
  }
  master ??= await cachedDerive(passphrase, manifest);
  if (!verifierMatches(master, manifest.verifier)) {
    throw new IdentityError('BAD_PASSWORD', `identity store ${dir}: the passphrase does not match the one the store was created with`, {
      hint: 'check the passphrase (LOCALTLS_PASSPHRASE or --password-file)',
    });
  }
  return master;
}

async function readManifest(dir: string, allowInsecure: boolean): Promise<Manifest | undefined> {
  const path = join(dir, MANIFEST);
  const text = await readStoreFile(path, { what: 'identity store', rule: 'private', allowInsecure });
  if (text === undefined) return undefined;
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
    throw corruptItem(path, undefined, `it does not parse (${(cause as Error).message})`, RESTORE_MANIFEST, cause);
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
