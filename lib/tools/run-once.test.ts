import { describe, expect, it } from 'vitest';
import { openTestAppDatabase } from '../../test/support/app-database';
import { saveNote } from './notes';
import { canonicalJson, runToolOnce } from './run-once';

const fixture = openTestAppDatabase();

const notesOf = async (runId: string) => (await fixture.db.selectFrom('notes').selectAll().where('run_id', '=', runId).execute()).length;
const callsOf = async (runId: string) => (await fixture.db.selectFrom('tool_calls').selectAll().where('run_id', '=', runId).execute()).length;

describe('runToolOnce on a real SQLite file', () => {
  it('runs a side effect once for concurrent calls that ask the same thing under different call ids', async () => {
    const runId = 'run-concurrent';
    let executions = 0;
    const call = (toolCallId: string) =>
      runToolOnce(fixture.db, { runId, toolName: 'save_note', toolCallId, input: { title: 'T', body: 'B' } }, { sideEffect: 'database' }, async (trx) => {
        executions++;
        return saveNote(trx, { userId: 'u', threadId: 't', runId, title: 'T', body: 'B' });
      });
    const outputs = await Promise.all([call('call_a'), call('call_b'), call('call_c')]);
    expect(executions).toBe(1);
    expect(new Set(outputs.map((output) => output.noteId)).size).toBe(1);
    expect(await notesOf(runId)).toBe(1);
    expect(await callsOf(runId)).toBe(1);
  });

  it('writes neither the effect nor its record when the tool fails, so a retry runs it once', async () => {
    const runId = 'run-failing';
    const request = { runId, toolName: 'save_note', toolCallId: 'call_1', input: { title: 'X', body: 'Y' } };
    await expect(
      runToolOnce(fixture.db, request, { sideEffect: 'database' }, async (trx) => {
        await saveNote(trx, { userId: 'u', threadId: 't', runId, title: 'X', body: 'Y' });
        throw new Error('crashed mid-call');
      }),
    ).rejects.toThrow('crashed mid-call');
    expect(await notesOf(runId)).toBe(0);
    await runToolOnce(fixture.db, request, { sideEffect: 'database' }, (trx) => saveNote(trx, { userId: 'u', threadId: 't', runId, title: 'X', body: 'Y' }));
    expect(await notesOf(runId)).toBe(1);
  });

  it('returns a pure tool its recorded output instead of running it again, whatever the key order', async () => {
    const runId = 'run-pure';
    let executions = 0;
    const compute = async () => ({ at: ++executions });
    const first = await runToolOnce(fixture.db, { runId, toolName: 'weather', toolCallId: 'c1', input: { city: 'Lisbon', unit: 'C' } }, { sideEffect: 'none' }, compute);
    const again = await runToolOnce(fixture.db, { runId, toolName: 'weather', toolCallId: 'c2', input: { unit: 'C', city: 'Lisbon' } }, { sideEffect: 'none' }, compute);
    expect(again).toEqual(first);
    expect(executions).toBe(1);
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
  });
});
