import type { AppDatabase } from '../db/database';
import type { BillingAttemptTable, BillingChargeTable } from '../db/schema';
import { costMicros, priceOf } from './prices';
import type { TokenUsage } from './usage';

export interface ChargeInput {
  runId: string;
  userId: string;
  threadId: string;
  modelId: string;
  usage: TokenUsage;
  outcome: BillingChargeTable['outcome'];
  at?: Date;
}

export interface AttemptInput {
  runId: string;
  attempt: number;
  modelId: string;
  usage: TokenUsage;
  outcome: BillingAttemptTable['outcome'];
  source: BillingAttemptTable['source'];
  at?: Date;
}

function usageColumns(modelId: string, usage: TokenUsage) {
  return {
    model_id: modelId,
    input_tokens: usage.inputTokens,
    cached_input_tokens: usage.cachedInputTokens,
    output_tokens: usage.outputTokens,
    reasoning_tokens: usage.reasoningTokens,
    cost_micros: costMicros(usage, priceOf(modelId)),
  };
}

/**
 * Writes the run's charge once. The run id is the primary key and a repeated write is ignored,
 * so a replayed, retried or concurrently duplicated step can never charge twice.
 */
export async function recordCharge(db: AppDatabase, charge: ChargeInput): Promise<void> {
  const at = charge.at ?? new Date();
  await db
    .insertInto('billing_charges')
    .values({
      run_id: charge.runId,
      user_id: charge.userId,
      thread_id: charge.threadId,
      outcome: charge.outcome,
      day: at.toISOString().slice(0, 10),
      created_at: at.toISOString(),
      ...usageColumns(charge.modelId, charge.usage),
    })
    .onConflict((conflict) => conflict.column('run_id').doNothing())
    .execute();
}

/** Records what one attempt consumed at the provider, once per (run, attempt). */
export async function recordAttempt(db: AppDatabase, attempt: AttemptInput): Promise<void> {
  await db
    .insertInto('billing_attempts')
    .values({
      run_id: attempt.runId,
      attempt: attempt.attempt,
      outcome: attempt.outcome,
      source: attempt.source,
      created_at: (attempt.at ?? new Date()).toISOString(),
      ...usageColumns(attempt.modelId, attempt.usage),
    })
    .onConflict((conflict) => conflict.columns(['run_id', 'attempt']).doNothing())
    .execute();
}

export async function hasAttempt(db: AppDatabase, runId: string, attempt: number): Promise<boolean> {
  const row = await db.selectFrom('billing_attempts').select('attempt').where('run_id', '=', runId).where('attempt', '=', attempt).executeTakeFirst();
  return row !== undefined;
}

/** How many attempts of the run failed at the provider (crashes not included). */
export async function failedAttemptCount(db: AppDatabase, runId: string): Promise<number> {
  const row = await db
    .selectFrom('billing_attempts')
    .select((eb) => eb.fn.countAll<number>().as('failed'))
    .where('run_id', '=', runId)
    .where('outcome', '=', 'failed')
    .executeTakeFirst();
  return Number(row?.failed ?? 0);
}

export async function chargeOf(db: AppDatabase, runId: string) {
  return db.selectFrom('billing_charges').selectAll().where('run_id', '=', runId).executeTakeFirst();
}

export async function chargesOf(db: AppDatabase, runIds: readonly string[]) {
  if (runIds.length === 0) return [];
  return db.selectFrom('billing_charges').selectAll().where('run_id', 'in', runIds).execute();
}

export async function attemptsOf(db: AppDatabase, runId: string) {
  return db.selectFrom('billing_attempts').selectAll().where('run_id', '=', runId).orderBy('attempt').execute();
}

/** The user's charges summed per UTC day and model, between two days inclusive. */
export async function usageByDayAndModel(db: AppDatabase, userId: string, fromDay: string, toDay: string) {
  return db
    .selectFrom('billing_charges')
    .select((eb) => [
      'day',
      'model_id',
      eb.fn.countAll<number>().as('runs'),
      eb.fn.sum<number>('input_tokens').as('input_tokens'),
      eb.fn.sum<number>('cached_input_tokens').as('cached_input_tokens'),
      eb.fn.sum<number>('output_tokens').as('output_tokens'),
      eb.fn.sum<number>('reasoning_tokens').as('reasoning_tokens'),
      eb.fn.sum<number>('cost_micros').as('cost_micros'),
    ])
    .where('user_id', '=', userId)
    .where('day', '>=', fromDay)
    .where('day', '<=', toDay)
    .groupBy(['day', 'model_id'])
    .orderBy('day')
    .orderBy('model_id')
    .execute();
}

export async function recentChargesOf(db: AppDatabase, userId: string, limit = 50) {
  return db.selectFrom('billing_charges').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
}
