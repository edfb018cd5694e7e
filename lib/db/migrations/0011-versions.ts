import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

/**
 * Conversation control: regenerated and edited turns, the earlier answers a message had, and
 * deleted threads.
 */
export const versionsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    // The answer a regenerate or an edit replaces: with the user message id, the key that makes
    // a resent regenerate attach to the run it started instead of starting another.
    await db.schema.alterTable('chat_runs').addColumn('replaces_run_id', 'text').execute();
    // What the turn's user message said (sha-256 of its parts), so a resent edit is recognized.
    await db.schema.alterTable('chat_runs').addColumn('message_digest', 'text').execute();
    await db.schema.createIndex('chat_runs_replaces').ifNotExists().unique().on('chat_runs').columns(['user_message_id', 'replaces_run_id']).execute();
    await db.schema
      .createTable('message_versions')
      .ifNotExists()
      .addColumn('thread_id', 'text', (column) => column.notNull())
      .addColumn('message_id', 'text', (column) => column.notNull())
      .addColumn('user_message_id', 'text', (column) => column.notNull())
      .addColumn('run_id', 'text')
      .addColumn('parts', 'text', (column) => column.notNull())
      .addColumn('created_at', 'text', (column) => column.notNull())
      .addPrimaryKeyConstraint('message_versions_pk', ['thread_id', 'message_id'])
      .execute();
    await db.schema.createIndex('message_versions_user_message').ifNotExists().on('message_versions').columns(['thread_id', 'user_message_id']).execute();
    await db.schema
      .createTable('deleted_threads')
      .ifNotExists()
      .addColumn('thread_id', 'text', (column) => column.primaryKey())
      .addColumn('user_id', 'text', (column) => column.notNull())
      .addColumn('deleted_at', 'text', (column) => column.notNull())
      .execute();
  },
};
