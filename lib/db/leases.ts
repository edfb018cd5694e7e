import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { getLogger } from '../observability/log';
import type { AppDatabase } from './database';

/**
 * Exclusive leases on string keys, held in the database so they work across processes and
 * instances. A lease is a row with a unique key; it is taken when free or expired (its holder
 * crashed), and kept by renewing it before it expires.
 */
export async function tryAcquireLease(db: AppDatabase, key: string, holder: string, ttlMs: number): Promise<boolean> {
  const now = Date.now();
  const result = await db
    .insertInto('leases')
    .values({ key, holder, expires_at: now + ttlMs })
    .onConflict((conflict) =>
      conflict
        .column('key')
        .doUpdateSet({ holder, expires_at: now + ttlMs })
        .where('leases.expires_at', '<', now),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** Waits for the lease (a crashed holder's expires within `ttlMs`); false after `timeoutMs`. */
export async function acquireLease(db: AppDatabase, key: string, holder: string, ttlMs: number, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await tryAcquireLease(db, key, holder, ttlMs))) {
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

/** Drops a lease held by anyone whose holder id does not start with `livePrefix`. */
export async function breakLeaseNotHeldBy(db: AppDatabase, key: string, livePrefix: string): Promise<void> {
  await db.deleteFrom('leases').where('key', '=', key).where('holder', 'not like', `${livePrefix}%`).execute();
}

/**
 * Drops a lease whose holder has not renewed it for `silentMs` (renewals push `expires_at` to
 * `ttlMs` ahead), without waiting for it to expire: for a caller that has other evidence the
 * holder is gone.
 */
export async function breakSilentLease(db: AppDatabase, key: string, ttlMs: number, silentMs: number): Promise<void> {
  await db
    .deleteFrom('leases')
    .where('key', '=', key)
    .where('expires_at', '<', Date.now() + ttlMs - silentMs)
    .execute();
}

export async function releaseLease(db: AppDatabase, key: string, holder: string): Promise<void> {
  await db.deleteFrom('leases').where('key', '=', key).where('holder', '=', holder).execute();
}

/** Renews the lease every third of its lifetime until the returned function is called. */
export function keepLease(db: AppDatabase, key: string, holder: string, ttlMs: number): () => void {
  const timer = setInterval(() => {
    db.updateTable('leases')
      .set({ expires_at: Date.now() + ttlMs })
      .where('key', '=', key)
      .where('holder', '=', holder)
      .execute()
      .catch((error: unknown) => getLogger().error({ key, err: error }, 'could not renew lease'));
  }, ttlMs / 3);
  return () => clearInterval(timer);
}

/**
 * Runs `critical` while holding the lease on `key`, for short critical sections (a check and
 * the write it guards). Throws `busy()` when the lease is not free within `waitMs`.
 */
export async function withLease<T>(db: AppDatabase, key: string, options: { ttlMs: number; waitMs: number; pollMs: number; busy: () => Error }, critical: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  if (!(await acquireLease(db, key, holder, options.ttlMs, options.waitMs, options.pollMs))) throw options.busy();
  try {
    return await critical();
  } finally {
    await releaseLease(db, key, holder);
  }
}
