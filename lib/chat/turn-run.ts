import type { AppDatabase } from '../db/database';
import { findRun, recordRun, runsOfMessage } from '../runs/run-table';
import { withThreadLock } from './thread-lock';
import type { ChatTurn } from './turn';
import { messageDigest } from './turn-plan';

/** Records the run that answers `turn`, as the thread's newest; `digest` names the message's content. */
export async function recordTurnRun(db: AppDatabase, turn: ChatTurn, runId: string, digest: string): Promise<void> {
  await recordRun(db, {
    runId,
    threadId: turn.threadId,
    userId: turn.userId,
    userMessageId: turn.message.id,
    createdAt: new Date().toISOString(),
    waitsForRunId: turn.waitsForRunId,
    replacesRunId: turn.replaces?.runId ?? null,
    messageDigest: digest,
  });
}

/**
 * Whether a run is its turn's run. The route starts the run and then records it, both under the
 * thread's lock; a crash between the two leaves a run the world recovers but the app never
 * recorded, and the client's resent request (same message id) starts and records another. Before
 * a turn touches memory, the run asks: its own record answers at once, as it almost always does.
 * Otherwise, under the same lock (so after whatever the route was doing with it): a run recorded
 * since for the same request (same message, same answer replaced) supersedes this one, which must
 * neither answer nor be charged; with none, the run records itself as the route would have, and
 * the page finds it as the thread's active run.
 */
export async function confirmTurnRun(db: AppDatabase, turn: ChatTurn, runId: string): Promise<'own' | 'superseded'> {
  if (await findRun(db, runId)) return 'own';
  return withThreadLock(db, turn.threadId, async () => {
    if (await findRun(db, runId)) return 'own';
    const replaced = turn.replaces?.runId ?? null;
    const others = await runsOfMessage(db, turn.message.id);
    if (others.some((run) => run.runId !== runId && run.replacesRunId === replaced)) return 'superseded';
    await recordTurnRun(db, turn, runId, messageDigest(turn.message));
    return 'own';
  });
}
