import type { Memory } from '@mastra/memory';
import { keptStepUsage, stepUsagesOf } from '../billing/step-usage';
import { noUsage, type TokenUsage } from '../billing/usage';
import type { AppDatabase } from '../db/database';
import type { ChatTurn } from './turn';
import { type KeptSteps, keepCompletedSteps, readStoredReply } from './turn-memory';

/** Where an attempt of the reply starts: after the steps earlier attempts completed. */
export interface Continuation extends KeptSteps {
  /** What the kept steps consumed: part of the turn's charge, though this attempt did not run them. */
  carried: TokenUsage;
}

/**
 * Decides which completed steps of earlier attempts this attempt keeps: those memory holds and
 * whose usage the ledger holds (a step in only one of them is generated again, so memory and
 * the charge never disagree), and cuts memory down to them.
 */
export async function prepareContinuation(db: AppDatabase, memory: Memory, turn: ChatTurn, runId: string, attempt: number): Promise<Continuation> {
  // The first attempt has nothing to continue from; skipping the lookups keeps them off every turn.
  if (attempt === 1) return { parts: [], steps: 0, complete: false, carried: noUsage };
  const [stored, rows] = await Promise.all([readStoredReply(memory, turn), stepUsagesOf(db, runId)]);
  const { steps, usage } = keptStepUsage(rows, stored.steps, attempt);
  const kept = await keepCompletedSteps(memory, stored, steps);
  return { ...kept, carried: usage };
}
