import { getQueueTopicPrefix, resolveQueueNamespace } from '@workflow/world';
import { WorkflowRunNotFoundError } from 'workflow/errors';
import { getWorld } from 'workflow/runtime';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { breakSilentLease } from '../db/leases';
import { getLogger } from '../observability/log';
import { activeStatuses } from '../runs/world-run';
import { endAbandonedRun } from './end-abandoned-run';
import { replyLeaseKey, replyLeaseMs } from './reply-once';

/** A run whose steps have not reported progress for this long is stalled (steps beat every 1.5 s). */
export const stallAfterMs = 4_000;
/** How often each instance looks for stalled runs. */
export const sweepEveryMs = 1_000;
/** Resumes in a row without progress after which a run is ended instead (about 30 s of trying). */
export const maxStalls = 6;
const batch = 20;

/** One open run the sweep found stalled. */
interface StalledRun {
  runId: string;
  progressAt: number;
  stalls: number;
}

/**
 * The one query a period: open runs (stream not closed) whose last progress is older than the
 * bound, oldest first, through the partial index on `progress_at`.
 */
async function findStalledRuns(db: AppDatabase, now: number): Promise<StalledRun[]> {
  const rows = await db
    .selectFrom('chat_runs')
    .select(['run_id', 'progress_at', 'stalls'])
    .where('stream_chunks', 'is', null)
    .where('progress_at', '<', now - stallAfterMs)
    .orderBy('progress_at')
    .limit(batch)
    .execute();
  return rows.map((row) => ({ runId: row.run_id, progressAt: Number(row.progress_at), stalls: row.stalls }));
}

/**
 * Takes the run for this sweep: moves its progress mark forward only if no one else did since
 * it was read (another instance's sweep, or a step of the run). So with several instances one
 * of them resumes the run, and a run that came back to life is left alone.
 */
async function claim(db: AppDatabase, run: StalledRun, now: number): Promise<boolean> {
  const result = await db
    .updateTable('chat_runs')
    .set({ progress_at: now, stalls: run.stalls + 1 })
    .where('run_id', '=', run.runId)
    .where('progress_at', '=', run.progressAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Has the world run the run's workflow again from its event log, as `world.start()` does on boot. */
async function resume(runId: string, workflowName: string): Promise<void> {
  await getWorld().queue(`${getQueueTopicPrefix('workflow', resolveQueueNamespace())}${workflowName}`, { runId });
}

/**
 * The runs this process's watchdog has resumed since it started. A run is given up only after a
 * resume of this process's own went unanswered too: stalls counted while its instance was down (a
 * crash, then a restart that takes seconds) say nothing of whether a live process can carry it,
 * and ending it then abandoned runs whose reply was already running again in the restarted process.
 * An entry stays until its run is given up: one short string per run this process had to resume.
 */
type ResumedHere = Set<string>;

async function recover(db: AppDatabase, config: AppConfig, run: StalledRun, resumedHere: ResumedHere): Promise<void> {
  const log = getLogger().child({ runId: run.runId });
  let world: { status: string; workflowName: string } | undefined;
  try {
    world = await getWorld().runs.get(run.runId, { resolveData: 'none' });
  } catch (error) {
    // Only a run the world does not have is given up here; any other failure is retried next sweep.
    if (!WorkflowRunNotFoundError.is(error)) throw error;
    log.warn('stalled run unknown to the world');
  }
  if (world && activeStatuses.has(world.status) && (run.stalls < maxStalls || !resumedHere.has(run.runId))) {
    resumedHere.add(run.runId);
    log.warn({ stalls: run.stalls + 1, stalledMs: Date.now() - run.progressAt }, 'resuming stalled run');
    // The reply's holder neither beat nor renewed its lease for the whole bound: it died with its
    // process (another instance's, on PostgreSQL). The resumed reply need not wait out the lease.
    await breakSilentLease(db, replyLeaseKey(run.runId), replyLeaseMs, stallAfterMs);
    await resume(run.runId, world.workflowName);
    return;
  }
  // The world ended the run without its closing step, has no such run, or resuming it kept failing.
  const reason = world && activeStatuses.has(world.status) ? 'The assistant stopped making progress and could not be resumed' : 'The assistant could not finish this answer';
  resumedHere.delete(run.runId);
  await endAbandonedRun(db, config, run.runId, reason);
}

/** One sweep: every stalled run this instance claims is resumed or, past the bound, ended. */
export async function sweepStalledRuns(db: AppDatabase, config: AppConfig, resumedHere: ResumedHere, now = Date.now()): Promise<void> {
  for (const run of await findStalledRuns(db, now)) {
    if (!(await claim(db, run, now))) continue;
    try {
      await recover(db, config, run, resumedHere);
    } catch (error) {
      getLogger().error({ runId: run.runId, err: error }, 'could not recover stalled run');
    }
  }
}

const startedKey = Symbol.for('durable-chat.watchdog');
type WatchdogHolder = { [startedKey]?: NodeJS.Timeout };

/**
 * Starts this process's watchdog (once per process): every `sweepEveryMs` it finds runs with
 * no progress for `stallAfterMs` while no live process works on them (a working step beats every
 * 1.5 s, see lib/recovery/progress.ts) and resumes them through the world. Safe with any number
 * of instances: each run is claimed by one of them per period. `getContext` gives the process's
 * database and config (the app context, asked on every sweep).
 */
export function startWatchdog(getContext: () => Promise<{ db: AppDatabase; config: AppConfig }>): void {
  const holder = globalThis as WatchdogHolder;
  if (holder[startedKey]) return;
  let sweeping = false;
  const resumedHere: ResumedHere = new Set();
  holder[startedKey] = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    getContext()
      .then(({ db, config }) => sweepStalledRuns(db, config, resumedHere))
      .catch((error: unknown) => getLogger().error({ err: error }, 'recovery sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, sweepEveryMs);
  holder[startedKey].unref();
}
