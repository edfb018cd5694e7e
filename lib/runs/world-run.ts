import type { getRun } from 'workflow/api';
import { WorkflowRunNotFoundError } from 'workflow/errors';
import { getWorld } from 'workflow/runtime';

export type WorkflowRunStatus = Awaited<ReturnType<typeof getRun>['status']>;

/** Statuses of a run that has not ended: answering, or queued behind the thread's previous turn. */
export const activeStatuses: ReadonlySet<string> = new Set(['pending', 'running']);

/** What the workflow world knows about a run; `unknown` when it has no such run (its data was removed). */
export interface WorldRunFacts {
  status: WorkflowRunStatus | 'unknown';
  createdAt: Date | undefined;
  completedAt: Date | undefined;
}

/**
 * The one way the app asks the world about a run: without its input and output (the turn's
 * messages), so a status check is a file read on the local world and one indexed query on
 * PostgreSQL. The world lists runs only by workflow name, never by id or owner, so a page of a
 * user's runs is fetched by id, all at once.
 */
export async function worldRunFacts(runId: string): Promise<WorldRunFacts> {
  try {
    const run = await getWorld().runs.get(runId, { resolveData: 'none' });
    return { status: run.status, createdAt: run.createdAt, completedAt: run.completedAt };
  } catch (error) {
    if (WorkflowRunNotFoundError.is(error)) return { status: 'unknown', createdAt: undefined, completedAt: undefined };
    throw error;
  }
}

const runStatuses: ReadonlySet<string> = new Set<WorkflowRunStatus>(['pending', 'running', 'completed', 'failed', 'cancelled']);

function isRunStatus(value: string): value is WorkflowRunStatus {
  return runStatuses.has(value);
}

/** What the world said of a run before its data was removed (a status recorded as text). */
export function recordedRunFacts(recorded: { status: string; startedAt: string | null; endedAt: string | null }): WorldRunFacts {
  return {
    status: isRunStatus(recorded.status) ? recorded.status : 'unknown',
    createdAt: recorded.startedAt === null ? undefined : new Date(recorded.startedAt),
    completedAt: recorded.endedAt === null ? undefined : new Date(recorded.endedAt),
  };
}

export async function isRunActive(runId: string): Promise<boolean> {
  return activeStatuses.has((await worldRunFacts(runId)).status);
}

/** A run's default stream, as `getWritable()` names it inside a step (@workflow/core's naming, on every world). */
export function runStreamName(runId: string): string {
  return `${runId.replace('wrun_', 'strm_')}_user`;
}
