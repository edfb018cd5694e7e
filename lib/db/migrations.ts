import type { Kysely } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';

/**
 * Migrations in code, written with Kysely's schema builder so the same list runs on SQLite and
 * PostgreSQL. Append only: a released migration is never edited.
 */
const migrations: Record<string, Migration> = {
  '0001_chat_runs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('chat_runs')
        .ifNotExists()
        .addColumn('run_id', 'text', (column) => column.primaryKey())
        .addColumn('thread_id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('user_message_id', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('cancel_requested_at', 'text')
        .addColumn('waits_for_run_id', 'text')
        .execute();
      await db.schema.createIndex('chat_runs_thread_created').ifNotExists().on('chat_runs').columns(['thread_id', 'created_at']).execute();
      await db.schema
        .createTable('thread_locks')
        .ifNotExists()
        .addColumn('thread_id', 'text', (column) => column.primaryKey())
        .addColumn('holder', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}
