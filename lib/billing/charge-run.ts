import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { recordAttempt, recordCharge } from './ledger';
import { billingModelId } from './model-id';
import { costMicros, priceOf } from './prices';
import { addUsage, noUsage, type TokenUsage } from './usage';
import type { MeteredUsage } from './usage-meter';

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
 * Writes a run's charge. Both writes are keyed (by run, and by run and attempt) and ignore
 * repeats, so however often the closing step or the workflow replays, the run is charged once,
 * for the steps its answer is made of, whichever attempts ran them. A stopped run is charged
 * for what it produced before the stop; a failed run is charged nothing (its attempts stay in
 * the cost-of-goods ledger).
 */
export async function chargeRun(db: AppDatabase, config: Pick<AppConfig, 'model'>, run: { runId: string; userId: string; threadId: string }, outcome: BilledOutcome): Promise<TurnUsage> {
  const modelId = billingModelId(config.model);
  const usage = outcome.kind === 'failed' ? noUsage : addUsage(outcome.carried, outcome.consumed.usage);
  if (outcome.kind !== 'failed') {
    const { usage: consumed, source } = outcome.consumed;
    await recordAttempt(db, { runId: run.runId, attempt: outcome.attempt, modelId, usage: consumed, source, outcome: outcome.kind });
  }
  await recordCharge(db, { ...run, modelId, usage, outcome: outcome.kind });
  return { modelId, usage, costMicros: costMicros(usage, priceOf(modelId)), outcome: outcome.kind };
}
