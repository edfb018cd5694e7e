import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openTestAppDatabase } from '../../test/support/app-database';
import { recordRun } from '../runs/run-table';
import { createProgressBeat, markProgress } from './progress';

const fixture = openTestAppDatabase();

async function staleRun(runId: string): Promise<void> {
  await recordRun(fixture.db, { runId, threadId: 't', userId: 'u', userMessageId: `m-${runId}`, createdAt: new Date().toISOString(), waitsForRunId: null, replacesRunId: null, messageDigest: null });
  await fixture.db.updateTable('chat_runs').set({ progress_at: 1, stalls: 3 }).where('run_id', '=', runId).execute();
}

const progressOf = async (runId: string) => {
  const row = await fixture.db.selectFrom('chat_runs').select(['progress_at', 'stalls']).where('run_id', '=', runId).executeTakeFirstOrThrow();
  return { at: Number(row.progress_at), stalls: row.stalls };
};

/** Waits (without a time bound the test asserts) until `check` holds. */
async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await sleep(5);
}

async function nextBeatOf(runId: string): Promise<void> {
  const { at } = await progressOf(runId);
  await until(async () => (await progressOf(runId)).at > at);
}

describe('the progress beat on a real SQLite file', () => {
  it('marks a run the moment it is kept, beats every kept run together, and leaves released runs alone', async () => {
    await Promise.all(['a', 'b', 'c'].map(staleRun));
    const beat = createProgressBeat(fixture.db, 20);
    const releaseA = beat.keep('a');
    const releaseB = beat.keep('b');
    await until(async () => (await progressOf('a')).at > 1 && (await progressOf('b')).at > 1);
    expect(await progressOf('a')).toMatchObject({ stalls: 0 });
    releaseB();
    // A beat already being written when b was released may still carry it; none after it may.
    await nextBeatOf('a');
    const bAfterRelease = (await progressOf('b')).at;
    await nextBeatOf('a');
    await nextBeatOf('a');
    expect((await progressOf('b')).at).toBe(bAfterRelease);
    expect(await progressOf('c')).toEqual({ at: 1, stalls: 3 });
    releaseA();
  });

  it('keeps a run beating while a second holder of it remains', async () => {
    await staleRun('d');
    const beat = createProgressBeat(fixture.db, 20);
    const first = beat.keep('d');
    const second = beat.keep('d');
    first();
    first();
    await nextBeatOf('d');
    second();
  });

  it('marks more runs than one statement may bind', async () => {
    const runIds = Array.from({ length: 1_203 }, (_, index) => `bulk-${index}`);
    for (const runId of runIds) await staleRun(runId);
    await markProgress(fixture.db, runIds);
    const stale = await fixture.db.selectFrom('chat_runs').select('run_id').where('run_id', 'like', 'bulk-%').where('progress_at', '=', 1).execute();
    expect(stale).toEqual([]);
  });
});
