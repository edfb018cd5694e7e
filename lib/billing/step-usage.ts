import type { AppDatabase } from '../db/database';
import type { BillingStepTable } from '../db/schema';
import { addUsage, noUsage, type TokenUsage } from './usage';

export interface StepUsage {
  runId: string;
  stepIndex: number;
  attempt: number;
  usage: TokenUsage;
}

/** Records one finished LLM step's usage, once per (run, step, attempt). */
export async function recordStepUsage(db: AppDatabase, step: StepUsage): Promise<void> {
  await db
    .insertInto('billing_steps')
    .values({
      run_id: step.runId,
      step_index: step.stepIndex,
      attempt: step.attempt,
      input_tokens: step.usage.inputTokens,
      cached_input_tokens: step.usage.cachedInputTokens,
      output_tokens: step.usage.outputTokens,
      reasoning_tokens: step.usage.reasoningTokens,
      created_at: new Date().toISOString(),
    })
    .onConflict((conflict) => conflict.columns(['run_id', 'step_index', 'attempt']).doNothing())
    .execute();
}

export async function stepUsagesOf(db: AppDatabase, runId: string): Promise<BillingStepTable[]> {
  return db.selectFrom('billing_steps').selectAll().where('run_id', '=', runId).orderBy('step_index').orderBy('attempt').execute();
}

function usageOf(row: BillingStepTable): TokenUsage {
  return {
    inputTokens: Number(row.input_tokens),
    cachedInputTokens: Number(row.cached_input_tokens),
    outputTokens: Number(row.output_tokens),
    reasoningTokens: Number(row.reasoning_tokens),
  };
}

/**
 * The leading steps of a turn whose usage is on record, at most `storedSteps` of them, and what
 * they consumed: for each step, the row of the newest attempt that ran it before `beforeAttempt`
 * (that attempt's output is the one memory kept). A step memory holds without a usage row (the
 * process died between Mastra's save and the ledger write) is not kept: it is generated again.
 */
export function keptStepUsage(rows: readonly BillingStepTable[], storedSteps: number, beforeAttempt: number): { steps: number; usage: TokenUsage } {
  const newest = new Map<number, BillingStepTable>();
  for (const row of rows) {
    if (row.attempt >= beforeAttempt) continue;
    const current = newest.get(row.step_index);
    if (!current || current.attempt < row.attempt) newest.set(row.step_index, row);
  }
  let steps = 0;
  let usage = noUsage;
  while (steps < storedSteps) {
    const row = newest.get(steps);
    if (!row) break;
    usage = addUsage(usage, usageOf(row));
    steps++;
  }
  return { steps, usage };
}

/** Usage an attempt recorded for the steps it finished (exact, from the provider). */
export function finishedStepUsageOf(rows: readonly BillingStepTable[], attempt: number): TokenUsage {
  return rows
    .filter((row) => row.attempt === attempt)
    .map(usageOf)
    .reduce(addUsage, noUsage);
}
