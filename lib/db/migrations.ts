import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import { versionsMigration } from './migrations/0011-versions';

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
        .addColumn('reply_outcome', 'text')
        .execute();
      await db.schema.createIndex('chat_runs_thread_created').ifNotExists().on('chat_runs').columns(['thread_id', 'created_at']).execute();
      await db.schema
        .createTable('leases')
        .ifNotExists()
        .addColumn('key', 'text', (column) => column.primaryKey())
        .addColumn('holder', 'text', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
  '0002_billing': {
    async up(db: Kysely<unknown>) {
      const usageColumns = <T extends CreateTableBuilder<string, never>>(table: T) =>
        table
          .addColumn('model_id', 'text', (column) => column.notNull())
          .addColumn('input_tokens', 'bigint', (column) => column.notNull())
          .addColumn('cached_input_tokens', 'bigint', (column) => column.notNull())
          .addColumn('output_tokens', 'bigint', (column) => column.notNull())
          .addColumn('reasoning_tokens', 'bigint', (column) => column.notNull())
          .addColumn('cost_micros', 'bigint', (column) => column.notNull())
          .addColumn('outcome', 'text', (column) => column.notNull())
          .addColumn('created_at', 'text', (column) => column.notNull());
      await usageColumns(
        db.schema
          .createTable('billing_charges')
          .ifNotExists()
          .addColumn('run_id', 'text', (column) => column.primaryKey())
          .addColumn('user_id', 'text', (column) => column.notNull())
          .addColumn('thread_id', 'text', (column) => column.notNull())
          .addColumn('day', 'text', (column) => column.notNull()),
      ).execute();
      await db.schema.createIndex('billing_charges_user_day').ifNotExists().on('billing_charges').columns(['user_id', 'day']).execute();
      await usageColumns(
        db.schema
          .createTable('billing_attempts')
          .ifNotExists()
          .addColumn('run_id', 'text', (column) => column.notNull())
          .addColumn('attempt', 'integer', (column) => column.notNull())
          .addColumn('source', 'text', (column) => column.notNull())
          .addPrimaryKeyConstraint('billing_attempts_pk', ['run_id', 'attempt']),
      ).execute();
    },
  },
  '0003_tools': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('billing_steps')
        .ifNotExists()
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('step_index', 'integer', (column) => column.notNull())
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('input_tokens', 'bigint', (column) => column.notNull())
        .addColumn('cached_input_tokens', 'bigint', (column) => column.notNull())
        .addColumn('output_tokens', 'bigint', (column) => column.notNull())
        .addColumn('reasoning_tokens', 'bigint', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('billing_steps_pk', ['run_id', 'step_index', 'attempt'])
        .execute();
      await db.schema
        .createTable('tool_calls')
        .ifNotExists()
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('call_key', 'text', (column) => column.notNull())
        .addColumn('tool_name', 'text', (column) => column.notNull())
        .addColumn('tool_call_id', 'text', (column) => column.notNull())
        .addColumn('input', 'text', (column) => column.notNull())
        .addColumn('output', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('tool_calls_pk', ['run_id', 'call_key'])
        .execute();
      await db.schema
        .createTable('notes')
        .ifNotExists()
        .addColumn('note_id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('thread_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('body', 'text', (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('notes_user_created').ifNotExists().on('notes').columns(['user_id', 'created_at']).execute();
    },
  },
  '0004_app_secrets': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('app_secrets')
        .ifNotExists()
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
    },
  },
  '0005_chat_runs_by_message': {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('chat_runs_user_message').ifNotExists().on('chat_runs').column('user_message_id').execute();
    },
  },
  '0006_rate_limits': {
    async up(db: Kysely<unknown>) {
      // Per-user run lookups: the active-run count behind the limits, and the runs page.
      await db.schema.createIndex('chat_runs_user_created').ifNotExists().on('chat_runs').columns(['user_id', 'created_at']).execute();
      // The layout rate-limiter-flexible's PostgreSQL store expects; created here, with the rest
      // of the schema, rather than by each instance racing to create it on boot.
      await db.schema
        .createTable('rate_limits')
        .ifNotExists()
        .addColumn('key', 'varchar(255)', (column) => column.primaryKey())
        .addColumn('points', 'integer', (column) => column.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();
    },
  },
  '0007_run_list': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('chat_runs').addColumn('stream_chunks', 'integer').execute();
    },
  },
  '0008_security': {
    async up(db: Kysely<unknown>) {
      // The installation-wide count of runs not yet charged, behind the global admission limit.
      await db.schema.createIndex('chat_runs_created').ifNotExists().on('chat_runs').column('created_at').execute();
      // Memory keys messages by the id the client picks: the first user and thread to use an id
      // own it, so no one else's turn can move that message into their thread.
      await db.schema
        .createTable('message_claims')
        .ifNotExists()
        .addColumn('message_id', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('thread_id', 'text', (column) => column.notNull())
        .execute();
      // Ids already used belong to the runs that used them.
      await sql`
        insert into message_claims (message_id, user_id, thread_id)
        select user_message_id, min(user_id), min(thread_id) from chat_runs group by user_message_id
        on conflict do nothing`.execute(db);
      // Signing out revokes every token of the (anonymous) user.
      await db.schema
        .createTable('session_revocations')
        .ifNotExists()
        .addColumn('user_id', 'text', (column) => column.primaryKey())
        .addColumn('revoked_at', 'text', (column) => column.notNull())
        .execute();
    },
  },
  '0009_run_progress': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('chat_runs').addColumn('progress_at', 'bigint').execute();
      await db.schema
        .alterTable('chat_runs')
        .addColumn('stalls', 'integer', (column) => column.notNull().defaultTo(0))
        .execute();
      // The recovery watchdog's one query a period: open runs (stream not closed) by last progress.
      await db.schema.createIndex('chat_runs_open_progress').ifNotExists().on('chat_runs').column('progress_at').where(sql.ref('stream_chunks'), 'is', null).execute();
    },
  },
  '0010_retention': {
    async up(db: Kysely<unknown>) {
      // A pruned run's world record is gone: what the runs page showed of it is kept here.
      await db.schema.alterTable('chat_runs').addColumn('pruned_at', 'text').execute();
      await db.schema.alterTable('chat_runs').addColumn('final_status', 'text').execute();
      await db.schema.alterTable('chat_runs').addColumn('started_at', 'text').execute();
      await db.schema.alterTable('chat_runs').addColumn('ended_at', 'text').execute();
      // The pruner's candidates: runs not pruned yet, oldest first.
      await db.schema.createIndex('chat_runs_unpruned').ifNotExists().on('chat_runs').columns(['pruned_at', 'created_at']).execute();
    },
  },
  '0011_versions': versionsMigration,
};

export const migrationProvider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
}
