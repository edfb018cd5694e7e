import { WorkflowRunNotFoundError } from 'workflow/errors';
import { getWorld } from 'workflow/runtime';
import type { WorkflowRunStatus } from '../chat/run-stream';

/** What the workflow world knows about a run; `unknown` when it has no such run (its data was removed). */
export interface WorldRunFacts {
  status: WorkflowRunStatus | 'unknown';
  createdAt: Date | undefined;
  completedAt: Date | undefined;
}

/**
 * One lookup per run, without the run's input and output (the turn's messages): a file read on
 * the local world, one indexed query on PostgreSQL. The world lists runs only by workflow name,
 * never by id or owner, so a page of a user's runs is fetched by id, all at once.
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
