import { describe, expect, it } from 'vitest';
import { openTestAppDatabase } from '../../test/support/app-database';
import { findRun, runsOfMessage } from '../runs/run-table';
import { withThreadLock } from './thread-lock';
import type { ChatTurn } from './turn';
import { confirmTurnRun, recordTurnRun } from './turn-run';

const fixture = openTestAppDatabase();

function turnFor(messageId: string, replaces?: string): ChatTurn {
  return {
    threadId: `thread-${messageId}`,
    userId: 'u',
    message: { id: messageId, role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
    waitsForRunId: null,
    ...(replaces ? { replaces: { kind: 'regenerate' as const, runId: replaces } } : {}),
  };
}

const record = (turn: ChatTurn, runId: string) => recordTurnRun(fixture.db, turn, runId, 'digest');

describe('confirmTurnRun on a real SQLite file', () => {
  it('answers own for the recorded run of its turn', async () => {
    const turn = turnFor('m1');
    await record(turn, 'run-1');
    expect(await confirmTurnRun(fixture.db, turn, 'run-1')).toBe('own');
    expect((await runsOfMessage(fixture.db, 'm1')).map((run) => run.runId)).toEqual(['run-1']);
  });

  it('is superseded by the run a resent request recorded for the same message', async () => {
    const turn = turnFor('m2');
    await record(turn, 'run-resent');
    expect(await confirmTurnRun(fixture.db, turn, 'run-orphan')).toBe('superseded');
    expect(await findRun(fixture.db, 'run-orphan')).toBeUndefined();
  });

  it('records itself when the route crashed and nobody resent the request', async () => {
    const turn = turnFor('m3');
    expect(await confirmTurnRun(fixture.db, turn, 'run-adopted')).toBe('own');
    expect(await findRun(fixture.db, 'run-adopted')).toMatchObject({ threadId: 'thread-m3', userId: 'u', userMessageId: 'm3', replacesRunId: null });
    expect(await confirmTurnRun(fixture.db, turn, 'run-adopted')).toBe('own');
  });

  it('tells a regenerate from the run it replaces, and from another regenerate of the same answer', async () => {
    await record(turnFor('m4'), 'run-answer');
    expect(await confirmTurnRun(fixture.db, turnFor('m4', 'run-answer'), 'run-regenerate')).toBe('own');
    expect(await confirmTurnRun(fixture.db, turnFor('m4', 'run-answer'), 'run-regenerate-orphan')).toBe('superseded');
  });

  it('waits for the route holding the thread lock, and finds the run it records', async () => {
    const turn = turnFor('m5');
    let confirmed: Promise<'own' | 'superseded'> | undefined;
    await withThreadLock(fixture.db, turn.threadId, async () => {
      confirmed = confirmTurnRun(fixture.db, turn, 'run-5');
      await new Promise((resolve) => setTimeout(resolve, 50));
      await record(turn, 'run-5');
    });
    expect(await confirmed).toBe('own');
    expect((await runsOfMessage(fixture.db, 'm5')).map((run) => run.runId)).toEqual(['run-5']);
  });
});
