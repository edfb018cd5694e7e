import path from 'node:path';
import { defaultPoolSize, poolBudget } from './db/pool-budget';

/**
 * Derives the Workflow DevKit's own variables from the app's, before any world is created.
 * `withWorkflow` points the local world at `.next/workflow-data` (which `next build` wipes, and
 * which every server built from one checkout would share) unless a target world is already
 * chosen, so the world is chosen here first: the Postgres world when `DATABASE_URL` is set (its
 * own `WORKFLOW_POSTGRES_URL` derived from it), the local world otherwise. The queue calls back
 * to `localhost`, which may resolve to IPv6 while the server listens on IPv4.
 */
export function applyWorkflowEnv(env: NodeJS.ProcessEnv = process.env): void {
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  if (env.DATABASE_URL) {
    env.WORKFLOW_TARGET_WORLD ||= '@workflow/world-postgres';
    env.WORKFLOW_POSTGRES_URL ||= env.DATABASE_URL;
    // A turn's reply step holds a queue slot for the whole answer; the world's default of 10
    // slots made the 11th concurrent turn wait for one to finish (measured by `npm run bench`).
    env.WORKFLOW_POSTGRES_WORKER_CONCURRENCY ||= '200';
    // The world's share of the instance's connections (`lib/db/pool-budget.ts`); the app's config
    // rejects a bad DATABASE_POOL_SIZE with a clear message, so this only needs a number.
    env.WORKFLOW_POSTGRES_MAX_POOL_SIZE ||= String(poolBudget(Number(env.DATABASE_POOL_SIZE) || defaultPoolSize).world);
  }
  env.WORKFLOW_TARGET_WORLD ||= 'local';
  env.WORKFLOW_LOCAL_DATA_DIR ||= path.join(dataDir, 'workflow');
  // Readers get a run's chunks from in-process events; the poll (every reader lists the whole
  // chunk directory) only serves writers in other processes, which the local world never has.
  // At 100 ms it used most of a core with 50 live readers; at 2 s it was still half of the
  // directory listings of a 200-turn load (bench/profile.ts). It stays as a safety net.
  env.WORKFLOW_LOCAL_STREAM_POLL_MS ||= '30000';
  if (env.PORT) env.WORKFLOW_LOCAL_BASE_URL ||= `http://127.0.0.1:${env.PORT}`;
}

/** The local world's directory, as `applyWorkflowEnv` set it (or the operator did). */
export function localWorldDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.WORKFLOW_LOCAL_DATA_DIR || path.join(path.resolve(env.DATA_DIR || '.data'), 'workflow');
}
