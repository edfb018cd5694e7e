import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { findRun } from '../runs/run-table';
import { attemptsOf, chargeOf, recentChargesOf, usageByDayAndModel } from './ledger';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const maxRangeDays = 366;
const dayMs = 86_400_000;

function parseDay(value: string, name: string): Date {
  const date = new Date(`${value}T00:00:00Z`);
  if (!dayPattern.test(value) || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new AppError('bad_request:date', `${name} must be a calendar date like 2026-01-31`);
  }
  return date;
}

/** Validates a report range; by default the last 30 days up to today (UTC). */
export function reportRange(from: string | null, to: string | null, now = new Date()): { from: string; to: string } {
  const end = to === null ? new Date(now.toISOString().slice(0, 10)) : parseDay(to, 'to');
  const start = from === null ? new Date(end.getTime() - 29 * dayMs) : parseDay(from, 'from');
  if (start > end) throw new AppError('bad_request:date', '`from` must not be after `to`');
  if ((end.getTime() - start.getTime()) / dayMs >= maxRangeDays) throw new AppError('bad_request:date', `A report covers at most ${maxRangeDays} days`);
  return { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
}

const numeric = (value: unknown) => Number(value ?? 0);

/** The user's charged usage per day and model, with totals and the most recent charged runs. */
export async function usageReport(db: AppDatabase, userId: string, range: { from: string; to: string }) {
  const [rows, recent] = await Promise.all([usageByDayAndModel(db, userId, range.from, range.to), recentChargesOf(db, userId)]);
  const byDay = rows.map((row) => ({
    day: row.day,
    modelId: row.model_id,
    runs: numeric(row.runs),
    inputTokens: numeric(row.input_tokens),
    cachedInputTokens: numeric(row.cached_input_tokens),
    outputTokens: numeric(row.output_tokens),
    reasoningTokens: numeric(row.reasoning_tokens),
    costMicros: numeric(row.cost_micros),
  }));
  const totals = byDay.reduce(
    (sum, row) => ({
      runs: sum.runs + row.runs,
      inputTokens: sum.inputTokens + row.inputTokens,
      outputTokens: sum.outputTokens + row.outputTokens,
      costMicros: sum.costMicros + row.costMicros,
    }),
    { runs: 0, inputTokens: 0, outputTokens: 0, costMicros: 0 },
  );
  const runs = recent.map((charge) => ({
    runId: charge.run_id,
    threadId: charge.thread_id,
    modelId: charge.model_id,
    outcome: charge.outcome,
    inputTokens: numeric(charge.input_tokens),
    outputTokens: numeric(charge.output_tokens),
    costMicros: numeric(charge.cost_micros),
    createdAt: charge.created_at,
  }));
  return { ...range, byDay, totals, runs };
}

/** One run's charge (null while it is still running) and every attempt's consumption. */
export async function runLedger(db: AppDatabase, userId: string, runId: string) {
  const run = await findRun(db, runId);
  if (!run || run.userId !== userId) throw new AppError('not_found:run', `Run ${runId} not found`);
  const [charge, attempts] = await Promise.all([chargeOf(db, runId), attemptsOf(db, runId)]);
  const usage = (row: { model_id: string; input_tokens: number; cached_input_tokens: number; output_tokens: number; reasoning_tokens: number; cost_micros: number }) => ({
    modelId: row.model_id,
    inputTokens: numeric(row.input_tokens),
    cachedInputTokens: numeric(row.cached_input_tokens),
    outputTokens: numeric(row.output_tokens),
    reasoningTokens: numeric(row.reasoning_tokens),
    costMicros: numeric(row.cost_micros),
  });
  return {
    runId,
    threadId: run.threadId,
    charge: charge ? { outcome: charge.outcome, day: charge.day, createdAt: charge.created_at, ...usage(charge) } : null,
    attempts: attempts.map((attempt) => ({ attempt: attempt.attempt, outcome: attempt.outcome, source: attempt.source, ...usage(attempt) })),
  };
}
