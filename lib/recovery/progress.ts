import type { AppDatabase } from '../db/database';
import { getLogger } from '../observability/log';

/**
 * How often a process says which runs it is working on. The watchdog treats a run as stalled
 * once nothing has said so for `stallAfterMs` (lib/recovery/watchdog.ts), so this must stay well
 * under it.
 */
export const progressBeatMs = 1_500;

// Statements stay well under SQLite's and PostgreSQL's bound-parameter limits.
const runsPerStatement = 500;

/** Records that a live process is working on the runs now; clears the watchdog's stall counts. */
export async function markProgress(db: AppDatabase, runIds: string[]): Promise<void> {
  const now = Date.now();
  for (let from = 0; from < runIds.length; from += runsPerStatement) {
    const batch = runIds.slice(from, from + runsPerStatement);
    await db.updateTable('chat_runs').set({ progress_at: now, stalls: 0 }).where('run_id', 'in', batch).execute();
  }
}

/** The runs one process works on, marked as progressing together. */
export interface ProgressBeat {
  /**
   * Marks the run as progressing now and at every beat until the returned function is called:
   * the sign that a live process holds the run's work, for as long as a step runs.
   */
  keep(runId: string): () => void;
  /** How many runs the process works on now: its load, in turns. */
  runs(): number;
}

/**
 * One write per beat for every run the process works on (200 turns at once used to be 130
 * writes a second, one per run). A run is also marked the moment a step takes it up, so one
 * whose last mark is old is not taken for stalled before the next beat. A failed mark is logged,
 * not thrown: at worst the watchdog resumes a run that was alive, which steps tolerate (they are
 * idempotent, the reply step takes a lease).
 */
export function createProgressBeat(db: AppDatabase, everyMs = progressBeatMs): ProgressBeat {
  // A count per run: a duplicate delivery of a step may work on the same run meanwhile.
  const working = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  const mark = (runIds: string[]) => markProgress(db, runIds).catch((error: unknown) => getLogger().warn({ runs: runIds.length, err: error }, 'could not record run progress'));
  const release = (runId: string) => {
    const count = (working.get(runId) ?? 1) - 1;
    if (count > 0) working.set(runId, count);
    else working.delete(runId);
    if (working.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    keep(runId) {
      working.set(runId, (working.get(runId) ?? 0) + 1);
      void mark([runId]);
      if (!timer) {
        timer = setInterval(() => void mark([...working.keys()]), everyMs);
        timer.unref();
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(runId);
      };
    },
    runs: () => working.size,
  };
}

/** Runs a step's work while keeping the run marked as progressing. */
export async function withProgress<T>(progress: ProgressBeat, runId: string, work: () => Promise<T>): Promise<T> {
  const stop = progress.keep(runId);
  try {
    return await work();
  } finally {
    stop();
  }
}
