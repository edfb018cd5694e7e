import { describe, expect, it } from 'vitest';
import { openTestAppDatabase } from '../../test/support/app-database';
import { attemptsOf, chargeOf, recordAttempt, recordCharge } from './ledger';

const fixture = openTestAppDatabase();

const usage = { inputTokens: 120, cachedInputTokens: 20, outputTokens: 40, reasoningTokens: 0 };

describe('billing ledger on a real SQLite file', () => {
  it('keeps one charge per run when the billing step replays concurrently', async () => {
    const replays = Array.from({ length: 12 }, (_, index) =>
      recordCharge(fixture.db, { runId: 'wrun_replayed', userId: 'usr_a', threadId: 't', modelId: 'simulated', usage: { ...usage, outputTokens: 40 + index }, outcome: 'completed' }),
    );
    await Promise.all(replays);
    const charge = await chargeOf(fixture.db, 'wrun_replayed');
    const count = await fixture.db
      .selectFrom('billing_charges')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id', '=', 'wrun_replayed')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(charge?.output_tokens).toBeGreaterThanOrEqual(40);
    // 100 uncached input at 0.15, 20 cached at 0.075 (1.5 rounds up), output at 0.6 per token.
    expect(charge?.cost_micros).toBe(15 + 2 + Math.floor(charge!.output_tokens * 0.6 + 0.5));
  });

  it('keeps one row per attempt however often it is recorded', async () => {
    await Promise.all(
      [1, 1, 2, 2, 2].map((attempt) =>
        recordAttempt(fixture.db, { runId: 'wrun_attempts', attempt, modelId: 'simulated', usage, outcome: attempt === 1 ? 'failed' : 'completed', source: 'provider' }),
      ),
    );
    expect((await attemptsOf(fixture.db, 'wrun_attempts')).map((row) => [row.attempt, row.outcome])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
  });
});
