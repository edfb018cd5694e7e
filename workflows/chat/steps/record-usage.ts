import { getWorkflowMetadata } from 'workflow';
import { getAppContext } from '@/lib/app-context';
import { recordAttempt, recordCharge } from '@/lib/billing/ledger';
import { billingModelId } from '@/lib/billing/model-id';
import { costMicros, priceOf } from '@/lib/billing/prices';
import { addUsage, noUsage, type TokenUsage } from '@/lib/billing/usage';
import type { MeteredUsage } from '@/lib/billing/usage-meter';
import type { ChatTurn } from '@/lib/chat/turn';

export type BilledOutcome =
  | {
      kind: 'completed' | 'aborted';
      attempt: number;
      /** What the final attempt consumed (its cost-of-goods row). */
      consumed: MeteredUsage;
      /** What the steps it kept from earlier attempts consumed. */
      carried: TokenUsage;
    }
  | { kind: 'failed' };

/** What the turn's reply carries as message metadata, so the UI can show its tokens and cost. */
export interface TurnUsage {
  modelId: string;
  usage: TokenUsage;
  costMicros: number;
  /** How the run ended, so the page can say "Stopped" on the answer. */
  outcome: BilledOutcome['kind'];
}

/**
 * Writes the run's charge, in a step of its own, after the reply. Both writes are keyed (by run,
 * and by run and attempt) and ignore repeats, so however often this step or the workflow
 * replays, the run is charged once, for the steps its answer is made of, whichever attempts
 * ran them. A stopped run is charged for what it produced before the stop; a failed run is
 * charged nothing (its attempts stay in the cost-of-goods ledger).
 */
export async function recordUsage(turn: ChatTurn, outcome: BilledOutcome): Promise<TurnUsage> {
  'use step';
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { db, config } = await getAppContext();
  const modelId = billingModelId(config.model);
  const usage = outcome.kind === 'failed' ? noUsage : addUsage(outcome.carried, outcome.consumed.usage);
  if (outcome.kind !== 'failed') {
    const { usage: consumed, source } = outcome.consumed;
    await recordAttempt(db, { runId, attempt: outcome.attempt, modelId, usage: consumed, source, outcome: outcome.kind });
  }
  await recordCharge(db, { runId, userId: turn.userId, threadId: turn.threadId, modelId, usage, outcome: outcome.kind });
  return { modelId, usage, costMicros: costMicros(usage, priceOf(modelId)), outcome: outcome.kind };
}
