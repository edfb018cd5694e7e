import { sql } from 'kysely';
import type { AppDatabase } from '../db/database';

/**
 * The Postgres world's tables (schema `workflow`, from `@workflow/world-postgres` 4.3.7's
 * drizzle schema) that hold a run's replay data, each with a `run_id` column. The run record
 * (`workflow_runs`, keyed by `id`) goes last.
 */
const runTables = ['workflow_stream_chunks', 'workflow_events', 'workflow_steps', 'workflow_hooks', 'workflow_waits'] as const;

/**
 * Removes the runs' replay data from the Postgres world in one transaction: a pass cut short
 * by a crash removes all of a batch or nothing. The app's tables live in the same database as
 * the world (see docs/operations.md, "Scaling out on PostgreSQL"), so the app's connection reaches them.
 */
export async function removePostgresWorldRuns(db: AppDatabase, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const ids = sql.join([...runIds]);
  await db.transaction().execute(async (transaction) => {
    for (const table of runTables) await sql`delete from workflow.${sql.id(table)} where run_id in (${ids})`.execute(transaction);
    await sql`delete from workflow.workflow_runs where id in (${ids})`.execute(transaction);
  });
}
