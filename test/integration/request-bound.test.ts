import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { assemble, createSession, getJson, getStream, getThread, postChat, readChunks, runIdOf, streamedTokens, textOf, userMessage, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';

/**
 * The failure the project exists to fix, reproduced against the request-bound baseline (the
 * same agent streamed straight into the response, as before durable runs) and shown fixed on
 * the durable endpoint: the user closes the tab mid-answer.
 */
const fixture = useTestServer({ env: { BENCH_BASELINES: '1', SIM_TOKENS_PER_SEC: '40' } });
const prompt = 'Explain durable streaming [[sim words=120 tps=40]]';
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('closing the tab mid-answer', () => {
  it('loses the rest of the answer on the request-bound baseline: the agent stops with the request', async () => {
    const session = await createSession(fixture.server.url);
    const threadId = randomUUID();
    const response = await fetch(`${fixture.server.url}/api/bench/direct`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: threadId, messages: [userMessage(prompt)] }),
    });
    expect(response.status).toBe(200);
    await readChunks(response, 15);
    // Long enough for the whole answer (120 tokens at 40/s) had the agent kept going.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    const thread = await getThread(fixture.server.url, session.token, threadId);
    const reply = thread.messages.find((message) => message.role === 'assistant');
    expect(words(textOf(reply))).toBeLessThan(120);
  });

  it('finishes, stores and bills the whole answer on the durable endpoint', async () => {
    const session = await createSession(fixture.server.url);
    const threadId = randomUUID();
    const response = await postChat(fixture.server.url, session.token, threadId, prompt);
    const runId = runIdOf(response);
    await readChunks(response, 15);
    expect(await waitForRunEnd(fixture.server.url, session.token, runId)).toBe('completed');
    const thread = await getThread(fixture.server.url, session.token, threadId);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    const replay = await readChunks(await getStream(fixture.server.url, session.token, runId, 0));
    expect(textOf(thread.messages[1])).toBe(textOf(await assemble(replay)));
    expect(streamedTokens(replay)).toBe(120);
    const { body } = await getJson(fixture.server.url, session.token, `/api/billing/runs/${runId}`);
    expect(body.charge).toMatchObject({ outcome: 'completed', outputTokens: 120 });
  });
});
