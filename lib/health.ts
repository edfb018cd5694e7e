import { sql } from 'kysely';
import type { AppContext } from './app-context';

export interface HealthReport {
  status: 'ok' | 'degraded';
  /** The workflow world runs and streams live in: `local` (files) or `postgres`. */
  world: 'local' | 'postgres';
  database: { kind: 'sqlite' | 'postgres'; ok: boolean; latencyMs: number };
  /**
   * The world's job queue: in process for the local world, graphile-worker jobs on PostgreSQL
   * (pending and locked together counted up to `countedJobsLimit`).
   */
  queue: { kind: 'in-process' | 'graphile-worker'; ok: boolean; pendingJobs?: number; lockedJobs?: number };
}

async function timed<T>(probe: () => Promise<T>): Promise<{ ok: boolean; latencyMs: number; value?: T }> {
  const startedAt = performance.now();
  try {
    const value = await probe();
    return { ok: true, latencyMs: Math.round(performance.now() - startedAt), value };
  } catch {
    return { ok: false, latencyMs: Math.round(performance.now() - startedAt) };
  }
}

/** Jobs counted per probe at most: a backed-up queue must not turn every health probe into a full scan. */
const countedJobsLimit = 10_000;

async function graphileJobs(context: Pick<AppContext, 'db'>) {
  const { rows } = await sql<{ pending: number; locked: number }>`
    select count(*) filter (where locked_at is null) as pending, count(*) filter (where locked_at is not null) as locked
    from (select locked_at from graphile_worker._private_jobs limit ${countedJobsLimit}) as jobs`.execute(context.db);
  return rows[0];
}

/** Whether this instance can serve: its database answers and, on PostgreSQL, the queue's tables do. */
export async function checkHealth(context: Pick<AppContext, 'db' | 'config'>): Promise<HealthReport> {
  const postgres = context.config.storage.kind === 'postgres';
  const database = await timed(() => sql`select 1`.execute(context.db));
  const queue = postgres ? await timed(() => graphileJobs(context)) : { ok: true, latencyMs: 0, value: undefined };
  const ok = database.ok && queue.ok;
  return {
    status: ok ? 'ok' : 'degraded',
    world: postgres ? 'postgres' : 'local',
    database: { kind: postgres ? 'postgres' : 'sqlite', ok: database.ok, latencyMs: database.latencyMs },
    queue: postgres ? { kind: 'graphile-worker', ok: queue.ok, pendingJobs: queue.value?.pending, lockedJobs: queue.value?.locked } : { kind: 'in-process', ok: true },
  };
}
