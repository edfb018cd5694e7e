import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, getJson, getStream, getThread, postChat, readChunks, readUntil, runIdOf, stopRun, useTwoUsers, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';
import { comparableParts, runRecords, toolTurnPrompt } from '../support/tool-turns';

const fixture = useTestServer();
const users = useTwoUsers(fixture);

const stop = (token: string, runId: string) => stopRun(fixture.server.url, token, runId);

describe('Stop', () => {
  it('ends the run on the server: the model stops, the stream ends with abort then finish', async () => {
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Go on and on [[sim words=2000 tps=50]]');
    const runId = runIdOf(response);
    const head = await readChunks(response, 10);

    expect((await stop(users.bob.token, runId)).status).toBe(404);
    const stopped = await stop(users.alice.token, runId);
    expect(stopped.status).toBe(202);
    expect((await stopped.json()).cancelRequestedAt).toEqual(expect.any(String));

    expect(await waitForRunEnd(fixture.server.url, users.alice.token, runId, 10_000)).toBe('completed');
    const replay = await readChunks(await getStream(fixture.server.url, users.alice.token, runId, 0));
    expect(replay.slice(0, head.length)).toEqual(head);
    expect(replay.slice(-2).map((chunk) => chunk.type)).toEqual(['abort', 'finish']);
    expect(replay.filter((chunk) => chunk.type === 'text-delta').length).toBeLessThan(300);
  });

  it('is a no-op on a run that already ended', async () => {
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Short [[sim words=5 tps=0]]');
    const runId = runIdOf(response);
    await readChunks(response);
    await waitForRunEnd(fixture.server.url, users.alice.token, runId);
    const stopped = await stop(users.alice.token, runId);
    expect(stopped.status).toBe(202);
    expect(await stopped.json()).toMatchObject({ status: 'completed', cancelRequestedAt: null });
    const replay = await readChunks(await getStream(fixture.server.url, users.alice.token, runId, 0));
    expect(replay.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect((await getJson(fixture.server.url, users.alice.token, `/api/chat/${runId}`)).body.status).toBe('completed');
  });

  it('stops a turn inside a slow tool: the tool is abandoned, the finished steps are kept once', async () => {
    const threadId = randomUUID();
    const response = await postChat(fixture.server.url, users.alice.token, threadId, toolTurnPrompt({ tps: 40 }));
    const runId = runIdOf(response);
    const seen = await readUntil(response, (chunks) => {
      const last = chunks.at(-1);
      return last?.type === 'tool-input-available' && last.toolName === 'research';
    });
    expect(seen.at(-1)).toMatchObject({ type: 'tool-input-available', toolName: 'research' });
    expect((await stop(users.alice.token, runId)).status).toBe(202);
    expect(await waitForRunEnd(fixture.server.url, users.alice.token, runId, 10_000)).toBe('completed');

    const replay = await readChunks(await getStream(fixture.server.url, users.alice.token, runId, 0));
    expect(validateUIStream(replay)).toEqual([]);
    expect(replay.slice(-2).map((chunk) => chunk.type)).toEqual(['abort', 'finish']);
    const shown = comparableParts(await assemble(replay));
    expect(shown.filter((part) => 'tool' in (part as object))).toEqual([
      expect.objectContaining({ tool: 'weather', state: 'output-available' }),
      expect.objectContaining({ tool: 'research', state: 'input-available' }),
    ]);
    const thread = await getThread(fixture.server.url, users.alice.token, threadId);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const stored = comparableParts(thread.messages[1]);
    // The finished step is kept as shown; the research call that never returned is not a result.
    expect(stored.slice(0, 2)).toEqual(shown.slice(0, 2));
    expect(stored.filter((part) => (part as { state?: string }).state === 'output-available')).toHaveLength(1);
    const records = await runRecords(fixture.server, runId);
    expect(records.toolCalls.map((call) => call.tool_name)).toEqual(['weather']);
    expect(records.notes).toBe(0);
    const { body: ledger } = await getJson(fixture.server.url, users.alice.token, `/api/billing/runs/${runId}`);
    expect(ledger.charge.outcome).toBe('aborted');
    expect(ledger.attempts).toHaveLength(1);
  });
});
