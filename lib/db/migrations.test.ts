import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import { describe, expect, it } from 'vitest';
import { closePool, createEmptyDatabase, dropTestDatabase, openTestPool, postgresAvailable } from '../../test/support/postgres';
import { LibsqlDialect } from './libsql-dialect';
import { migrateToLatest, migrationProvider } from './migrations';
import type { Database } from './schema';

/** An installation as the release before the runs list left it, with one finished run in it, upgraded. */
async function upgradeFromBeforeRunList(db: Kysely<Database>): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateTo('0004_app_secrets');
  if (error) throw error;
  await db.insertInto('chat_runs').values({ run_id: 'wrun_old', thread_id: 't', user_id: 'u', user_message_id: 'm', created_at: '2026-01-01T00:00:00.000Z' }).execute();

  await migrateToLatest(db as Kysely<unknown>);
  await migrateToLatest(db as Kysely<unknown>);

  const old = await db.selectFrom('chat_runs').selectAll().where('run_id', '=', 'wrun_old').executeTakeFirstOrThrow();
  expect(old).toMatchObject({ user_id: 'u', stream_chunks: null, replaces_run_id: null, message_digest: null });
  expect(await db.selectFrom('message_versions').selectAll().execute()).toEqual([]);
  expect(await db.selectFrom('deleted_threads').selectAll().execute()).toEqual([]);
  // The message id the old run answered stays its user's: no one else's turn can claim it.
  expect(await db.selectFrom('message_claims').selectAll().execute()).toEqual([{ message_id: 'm', user_id: 'u', thread_id: 't' }]);
  await db.updateTable('chat_runs').set({ stream_chunks: 42 }).where('run_id', '=', 'wrun_old').execute();
  const updated = await db.selectFrom('chat_runs').select('stream_chunks').where('run_id', '=', 'wrun_old').executeTakeFirstOrThrow();
  expect(Number(updated.stream_chunks)).toBe(42);
}

const postgresAnswers = await postgresAvailable();

describe('migrating an existing installation', () => {
  it('adds the stream length to chat_runs on SQLite, keeping the runs', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-test-'));
    const db = new Kysely<Database>({ dialect: new LibsqlDialect(createClient({ url: `file:${path.join(dir, 'app.db')}` })) });
    try {
      await upgradeFromBeforeRunList(db);
    } finally {
      await db.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!postgresAnswers)('adds the stream length to chat_runs on PostgreSQL, keeping the runs', async () => {
    const url = await createEmptyDatabase();
    const pool = openTestPool(url, 2);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await upgradeFromBeforeRunList(db);
    } finally {
      await closePool(pool, () => db.destroy());
      await dropTestDatabase(url);
    }
  });
});
