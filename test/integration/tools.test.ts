import { randomUUID } from 'node:crypto';
import type { UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, createSession, getStream, postChat, readChunks, runIdOf, type Session, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';
import { comparableParts, expectToolTurnRecordedOnce, toolTurnPrompt } from '../support/tool-turns';

const fixture = useTestServer();

const leadIns = ['Let me check that with weather.', 'Let me check that with research.', 'Let me check that with save_note.'];

async function finishedTurn(session: Session, prompt: string) {
  const threadId = randomUUID();
  const response = await postChat(fixture.server.url, session.token, threadId, prompt);
  const runId = runIdOf(response);
  const live = await readChunks(response);
  expect(await waitForRunEnd(fixture.server.url, session.token, runId)).toBe('completed');
  return { threadId, runId, live };
}

async function replay(session: Session, runId: string): Promise<UIMessageChunk[]> {
  return readChunks(await getStream(fixture.server.url, session.token, runId, 0));
}

describe('a turn with tools', () => {
  it('streams every tool as a well-formed card with its result, and stores exactly what was shown', async () => {
    const session = await createSession(fixture.server.url);
    const { threadId, runId, live } = await finishedTurn(session, toolTurnPrompt());
    expect(validateUIStream(live)).toEqual([]);
    const shown = comparableParts(await assemble(live));
    expect(shown.filter((part) => (part as { tool?: string }).tool).map((part) => (part as { tool: string; state: string }).state)).toEqual([
      'output-available',
      'output-available',
      'output-available',
    ]);
    expect(shown.slice(0, 2)).toEqual([{ text: leadIns[0] }, expect.objectContaining({ tool: 'weather', input: { city: 'Lisbon' } })]);
    const { ledger } = await expectToolTurnRecordedOnce(fixture.server, session.token, { threadId, runId, shown });
    expect(ledger.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'completed', outputTokens: ledger.charge.outputTokens })]);
  });
});

describe('a tool turn whose model fails mid-turn and is retried', () => {
  // Step 2 (after weather and research finished) fails after two tokens on the first attempt.
  const prompt = toolTurnPrompt({ extra: 'fail_at=2 fail_step=2' });

  it('keeps the completed steps, runs no tool twice, and replaces only the interrupted step', async () => {
    const session = await createSession(fixture.server.url);
    const { threadId, runId, live } = await finishedTurn(session, prompt);
    expect(live.filter((chunk) => chunk.type === 'data-reset')).toHaveLength(1);
    expect(validateUIStream(live)).toEqual([]);
    const shown = comparableParts(await assemble(live));
    const late = comparableParts(await assemble(await replay(session, runId)));
    expect(late).toEqual(shown);
    const texts = shown.flatMap((part) => ('text' in (part as object) ? [(part as { text: string }).text] : []));
    expect(texts.slice(0, 3)).toEqual(leadIns);
    expect(texts).toHaveLength(4);
    const { ledger, records } = await expectToolTurnRecordedOnce(fixture.server, session.token, { threadId, runId, shown });
    const [failed, completed] = ledger.attempts;
    expect([failed.outcome, completed.outcome]).toEqual(['failed', 'completed']);
    // The charge is the answer's steps; the failed attempt's finished steps were not paid twice.
    expect(ledger.charge.outputTokens).toBeLessThan(failed.outputTokens + completed.outputTokens);
    expect(records.stepRows.map((row) => [row.step_index, row.attempt])).toEqual([
      [0, 1],
      [1, 1],
      [2, 2],
      [3, 2],
    ]);
  });

  it('resumes at every chunk index, live, into the same message as the uninterrupted stream', { timeout: 120_000 }, async () => {
    const session = await createSession(fixture.server.url);
    const threadId = randomUUID();
    const response = await postChat(fixture.server.url, session.token, threadId, toolTurnPrompt({ tps: 60, extra: 'fail_at=2 fail_step=2' }));
    const runId = runIdOf(response);
    // One reader per index, all while the run is live: each reads `index` chunks, drops its
    // connection, and at once reconnects from where it stopped. On a loaded machine a reader
    // can lag until the run has finished: it is then served without the abandoned attempt
    // (`x-replay: clean`), and one that arrives that late gets the whole answer at once.
    const cleanReplay = (served: Response) => served.headers.get('x-replay') === 'clean';
    const readers = Array.from({ length: 160 }, async (_, index) => {
      const head = await getStream(fixture.server.url, session.token, runId, 0);
      const first = await readChunks(head, cleanReplay(head) ? Number.POSITIVE_INFINITY : index);
      if (first.at(-1)?.type === 'finish') return { index, chunks: first, clean: cleanReplay(head) };
      const rest = await getStream(fixture.server.url, session.token, runId, first.length);
      return { index, chunks: [...first, ...(await readChunks(rest))], clean: cleanReplay(rest) };
    });
    const uninterrupted = await readChunks(response);
    const resumed = await Promise.all(readers);
    expect(await waitForRunEnd(fixture.server.url, session.token, runId)).toBe('completed');
    expect(uninterrupted.length).toBeLessThan(resumed.length);
    const expected = await assemble(uninterrupted);
    const withoutAbandoned = (chunks: UIMessageChunk[]) => finishedStreamReplay(chunks, 0).chunks;
    for (const { index, chunks, clean } of resumed) {
      if (clean) expect({ index, chunks: withoutAbandoned(chunks) }).toEqual({ index, chunks: withoutAbandoned(uninterrupted) });
      else expect({ index, chunks }).toEqual({ index, chunks: uninterrupted });
      expect(await assemble(chunks)).toEqual(expected);
    }
  });
});
