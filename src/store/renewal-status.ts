/**
 * The outcome of the last renewal of each stored identity, kept next to the items in
 * `renewal-status.json` (0600, not encrypted: it holds labels, times and error codes, no keys).
 * Written by `keepRenewed({ identityStore, label })`; read by `localtls store check`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../internal/atomic-file.js';
import type { IdentityStore } from './identity-store.js';
import { withLock } from './lock.js';
import { ioError } from './store-files.js';

/** The status file's name inside the identity store directory. */
export const RENEWAL_STATUS_FILE = 'renewal-status.json';

/** One renewal outcome. */
export interface RenewalOutcome {
  /** When the renewal was tried. */
  at: Date;
  /** True when it succeeded. */
  ok: boolean;
  /** Error code of a failure (e.g. 'CONNECTION_REFUSED'). */
  code?: string;
  /** Error message of a failure (never holds key material). */
  message?: string;
  /** Failures in a row, this one included. */
  failures?: number;
  /** When the next try is scheduled after a failure. */
  nextTryAt?: Date;
}

/** What is known about an identity's renewals. */
export interface RenewalStatus {
  /** The last success, if any. */
  lastSuccessAt?: Date;
  /** The last failure since the last success, if any (cleared by a success). */
  lastFailure?: { at: Date; code: string; message: string; failures: number; nextTryAt?: Date };
}

type StatusFile = Record<string, { lastSuccessAt?: string; lastFailure?: { at: string; code: string; message: string; failures: number; nextTryAt?: string } }>;

async function readStatusFile(dir: string): Promise<StatusFile> {
  let text: string;
  try {
    text = await readFile(join(dir, RENEWAL_STATUS_FILE), 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw ioError(`renewal status ${join(dir, RENEWAL_STATUS_FILE)}`, 'read it', cause);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as StatusFile : {};
  } catch {
    return {}; // a damaged status file only loses history; the next renewal rewrites it
  }
}

/**
 * Records one renewal outcome for `label` (under the store's write lock).
 *
 * @example
 * ```ts
 * await recordRenewal(store, 'front-desk', { at: new Date(), ok: false, code: 'CONNECTION_REFUSED', message: '...' });
 * ```
 * @throws LocalTlsError IO_ERROR, STORE_LOCKED
 */
export async function recordRenewal(store: IdentityStore, label: string, outcome: RenewalOutcome): Promise<void> {
  await withLock(join(store.dir, '.lock'), async () => {
    const all = await readStatusFile(store.dir);
    const entry = all[label] ?? {};
    if (outcome.ok) {
      all[label] = { lastSuccessAt: outcome.at.toISOString() };
    } else {
      all[label] = {
        ...entry,
        lastFailure: {
          at: outcome.at.toISOString(), code: outcome.code ?? 'PROTOCOL_ERROR', message: (outcome.message ?? '').slice(0, 500), failures: outcome.failures ?? 1,
          ...(outcome.nextTryAt ? { nextTryAt: outcome.nextTryAt.toISOString() } : {}),
        },
      };
    }
    await writeFileAtomic(join(store.dir, RENEWAL_STATUS_FILE), JSON.stringify(all, null, 2) + '\n', 0o600);
  });
}

/**
 * The recorded renewal status of `label` (empty when nothing was recorded).
 *
 * @example
 * ```ts
 * const { lastFailure } = await renewalStatus(store, 'front-desk');
 * if (lastFailure) console.warn(`renewal failing since ${lastFailure.at}: ${lastFailure.code}`);
 * ```
 * @throws LocalTlsError IO_ERROR
 */
export async function renewalStatus(store: IdentityStore, label: string): Promise<RenewalStatus> {
  const entry = (await readStatusFile(store.dir))[label];
  if (!entry) return {};
  const date = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : undefined);
  const status: RenewalStatus = {};
  const success = date(entry.lastSuccessAt);
  if (success) status.lastSuccessAt = success;
  const f = entry.lastFailure;
  const failedAt = f ? date(f.at) : undefined;
  if (f && failedAt) {
    const next = date(f.nextTryAt);
    status.lastFailure = { at: failedAt, code: String(f.code), message: String(f.message), failures: Number(f.failures) || 1, ...(next ? { nextTryAt: next } : {}) };
  }
  return status;
}
