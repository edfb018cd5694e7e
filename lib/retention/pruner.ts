import { setTimeout as sleep } from 'node:timers/promises';
import type { AppContext } from '../app-context';
import type { AppDatabase } from '../db/database';
import { keepLease, releaseLease, tryAcquireLease } from '../db/leases';
import { processId } from '../db/process-id';
import { getLogger } from '../observability/log';
import { streamTail } from '../runs/stream-contents';
import { activeStatuses, worldRunFacts } from '../runs/world-run';
import { localWorldDataDir } from '../runtime-env';
import { removeLocalWorldRuns } from './local-world-data';
import { removePostgresWorldRuns } from './postgres-world-data';
import { type CandidateCursor, markPruned, type PruneCandidate, pruneCandidates, type RecordedRunFacts, recordRunFacts } from './pruned-runs';

/** One pass at a time across every instance: whoever holds this lease prunes. */
const leaseKey = 'retention:prune';
// Renewed every third of it while a pass runs; a holder killed mid-pass is taken over this
// long after its last renewal.
const leaseTtlMs = 10_000;
const batchSize = 100;

type PruneContext = Pick<AppContext, 'db' | 'config'>;

async function factsOf(candidate: PruneCandidate): Promise<RecordedRunFacts> {
  if (candidate.recorded) return candidate.recorded;
  const facts = await worldRunFacts(candidate.runId);
  return { status: facts.status, startedAt: facts.createdAt?.toISOString() ?? null, endedAt: facts.completedAt?.toISOString() ?? null };
}

// The closing step records a stream's length; a run that ended without one (a crash before
// the close) is counted now, while its stream still exists.
async function streamLengthOf(candidate: PruneCandidate): Promise<number> {
  return candidate.streamChunks ?? (await streamTail(candidate.runId)).length;
}

/** A run may go once it has ended, and ended before the cutoff. Active and queued runs stay, however old. */
function isPrunable(facts: RecordedRunFacts, cutoff: Date): boolean {
  if (activeStatuses.has(facts.status)) return false;
  return facts.endedAt === null || new Date(facts.endedAt) < cutoff;
}

async function removeWorldData(context: PruneContext, runIds: string[]): Promise<void> {
  if (context.config.storage.kind === 'postgres') await removePostgresWorldRuns(context.db, runIds);
  else await removeLocalWorldRuns(localWorldDataDir(), runIds);
}

/**
 * Prunes one batch: first records what the runs page needs (so a crash after the world data is
 * gone still shows the run), then removes the world data, then marks each run. Every step can
 * be repeated: a pass that dies anywhere in it is finished by the next one.
 */
async function pruneBatch(context: PruneContext, candidates: PruneCandidate[], cutoff: Date): Promise<number> {
  const log = getLogger();
  const prunable: string[] = [];
  for (const candidate of candidates) {
    const facts = await factsOf(candidate);
    if (!isPrunable(facts, cutoff)) continue;
    await recordRunFacts(context.db, candidate.runId, facts, await streamLengthOf(candidate));
    prunable.push(candidate.runId);
  }
  await removeWorldData(context, prunable);
  let pruned = 0;
  for (const runId of prunable) {
    log.info({ runId }, 'run data removed');
    if (context.config.retention.debugPauseMs > 0) await sleep(context.config.retention.debugPauseMs);
    if (await markPruned(context.db, runId, new Date())) {
      pruned++;
      log.info({ runId }, 'run pruned');
    }
  }
  return pruned;
}

async function pruneAll(context: PruneContext, cutoff: Date): Promise<number> {
  let pruned = 0;
  let cursor: CandidateCursor | undefined;
  for (;;) {
    const candidates = await pruneCandidates(context.db, cutoff, cursor, batchSize);
    pruned += await pruneBatch(context, candidates, cutoff);
    const last = candidates.at(-1);
    if (!last || candidates.length < batchSize) return pruned;
    cursor = { createdAt: last.createdAt, runId: last.runId };
  }
}

/**
 * One pruning pass, if this instance gets the lease: removes the replay data of every run that
 * ended more than the retention period ago. Memory, the runs table, the ledger and notes stay.
 */
export async function prunePass(context: PruneContext, holder: string): Promise<void> {
  const db: AppDatabase = context.db;
  if (!(await tryAcquireLease(db, leaseKey, holder, leaseTtlMs))) return;
  const stopRenewing = keepLease(db, leaseKey, holder, leaseTtlMs);
  try {
    const pruned = await pruneAll(context, new Date(Date.now() - context.config.retention.runRetentionMs));
    if (pruned > 0) getLogger().info({ pruned }, 'prune pass done');
  } finally {
    stopRenewing();
    await releaseLease(db, leaseKey, holder);
  }
}

const startedKey = Symbol.for('durable-chat.pruner');
type PrunerState = { [startedKey]?: true };

/**
 * Starts this process's pruner: a pass every `RUN_RETENTION_HOURS / 10` (1 s to 1 h). Each
 * instance runs one; the lease lets one prune at a time. `RUN_RETENTION_HOURS=0` keeps
 * everything.
 */
export function startPruner(getContext: () => Promise<PruneContext>, pruneEveryMs: number): void {
  const state = globalThis as PrunerState;
  if (state[startedKey]) return;
  state[startedKey] = true;
  const holder = `${processId()}:pruner`;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    getContext()
      .then((context) => prunePass(context, holder))
      .catch((error: unknown) => getLogger().error({ err: error }, 'prune pass failed'))
      .finally(() => (running = false));
  }, pruneEveryMs);
  timer.unref();
}
