import type { AppDatabase } from '../db/database';
import { type ChatRun, recentRunsOfThread } from './run-table';
import { isRunActive } from './world-run';

async function isCharged(db: AppDatabase, runId: string): Promise<boolean> {
  return (await db.selectFrom('billing_charges').select('run_id').where('run_id', '=', runId).executeTakeFirst()) !== undefined;
}

/**
 * The thread's runs that are still going, oldest first: the one answering, then any queued
 * behind it. The workflow world, not our table, says whether a run is active, so a crash can
 * never leave a stale "running" flag behind. A run already charged has stored its answer and is
 * only closing its stream: for starting the next turn and showing the thread it is over (a client
 * that saw `finish` and sends the next message at once must not find the thread still answering);
 * `untilClosed` counts it until the world says it ended (a delete waits for it).
 */
export async function activeRunsOfThread(db: AppDatabase, threadId: string, options: { untilClosed?: boolean } = {}): Promise<ChatRun[]> {
  const recent = await recentRunsOfThread(db, threadId);
  const active: ChatRun[] = [];
  for (const run of recent) {
    if (!(await isRunActive(run.runId))) break;
    if (!options.untilClosed && (await isCharged(db, run.runId))) break;
    active.unshift(run);
  }
  return active;
}

/** How far back a run may have started and still be answering, for the per-user count. */
const activeRunHorizonMs = 24 * 60 * 60_000;

/**
 * The user's runs that are still going. Candidates are the recent runs not charged yet (every
 * run is charged as it ends); the workflow world then says which of them are really active.
 */
export async function activeRunsOfUser(db: AppDatabase, userId: string, limit = 50): Promise<string[]> {
  const candidates = await db
    .selectFrom('chat_runs')
    .leftJoin('billing_charges', 'billing_charges.run_id', 'chat_runs.run_id')
    .select('chat_runs.run_id')
    .where('chat_runs.user_id', '=', userId)
    .where('chat_runs.created_at', '>', new Date(Date.now() - activeRunHorizonMs).toISOString())
    .where('billing_charges.run_id', 'is', null)
    .orderBy('chat_runs.created_at', 'desc')
    .limit(limit)
    .execute();
  const active = await Promise.all(candidates.map(async ({ run_id: runId }) => ((await isRunActive(runId)) ? runId : undefined)));
  return active.filter((runId) => runId !== undefined);
}

/**
 * Runs of every user that have not been charged yet: each run is charged as it ends, so these
 * are the runs answering or queued (and any a crash left for recovery to finish).
 */
export async function countUnsettledRuns(db: AppDatabase): Promise<number> {
  const row = await db
    .selectFrom('chat_runs')
    .leftJoin('billing_charges', 'billing_charges.run_id', 'chat_runs.run_id')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('chat_runs.created_at', '>', new Date(Date.now() - activeRunHorizonMs).toISOString())
    .where('billing_charges.run_id', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
