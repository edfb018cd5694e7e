import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, createSession, getJson, getStream, getThread, postChat, readChunks, readUntil, runIdOf, type Session, stopRun, textOf, waitForRunEnd } from '../support/chat-client';
import { type OpenAIStub, startOpenAIStub, stubWords } from '../support/openai-stub';
import { removeDataDir, startServer, type TestServer } from '../support/server';

let stub: OpenAIStub;
let server: TestServer;
let session: Session;

beforeAll(async () => {
  stub = await startOpenAIStub();
  server = await startServer({ env: { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: 'test-key' } });
  session = await createSession(server.url);
});

afterAll(async () => {
  await server?.stop();
  await stub?.close();
  if (server) await removeDataDir(server.dataDir);
});

describe('an OpenAI-compatible provider on loopback', () => {
  it('is used instead of the simulated model, and the UI is told so', async () => {
    const { body } = await getJson(server.url, session.token, '/api/session');
    expect(body.model).toBe('live');
  });

  it('streams the provider reply through the durable run', async () => {
    const response = await postChat(server.url, session.token, randomUUID(), 'Say something');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(textOf(await assemble(chunks))).toBe(stubWords.join(' '));
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('completed');
    expect(stub.requests.at(-1)).toMatchObject({ model: 'stub-model', lastUserText: 'Say something', ended: { how: 'completed' } });
  });

  it('fails a non-retryable provider error at once and still ends the stream', async () => {
    const before = stub.requests.length;
    const response = await postChat(server.url, session.token, randomUUID(), 'Use a bad key [[stub unauthorized]]');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(chunks.slice(-2).map((chunk) => chunk.type)).toEqual(['error', 'finish']);
    const error = chunks.at(-2);
    expect(error?.type === 'error' && error.errorText).toMatch(/Incorrect API key/);
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('failed');
    // A 401 cannot succeed on retry: the step made exactly one provider call.
    expect(stub.requests.length - before).toBe(1);
  });

  it('Stop aborts the provider request: the provider sees the disconnect, the partial answer is kept and charged once', async () => {
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, 'Keep talking [[stub words=400 ms=25]]');
    const runId = runIdOf(response);
    await readUntil(response, (chunks) => chunks.filter((chunk) => chunk.type === 'text-delta').length >= 5);
    const provider = stub.requests.at(-1);
    const stoppedAt = Date.now();
    const stopped = await stopRun(server.url, session.token, runId);
    const answeredAt = Date.now();
    expect(stopped.status).toBe(202);
    // The reply streams in the process that took the Stop: it is aborted before the DELETE
    // answers, not at the step's next poll of the flag.
    expect(provider?.ended?.at ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(answeredAt);
    expect(await waitForRunEnd(server.url, session.token, runId, 10_000)).toBe('completed');
    // When the world marked the run ended, by the server's clock (the same machine's), not the poll's.
    const { body: listed } = await getJson(server.url, session.token, '/api/runs');
    const endedAfterMs = Date.parse(listed.runs.find((run: { runId: string }) => run.runId === runId)?.endedAt) - stoppedAt;

    console.log(`Stop: the run ended ${endedAfterMs} ms after the DELETE was sent`);

    // In order: the Stop, the provider's disconnect (before its answer was complete), the run's end.
    expect(provider?.ended?.how).toBe('disconnected');
    expect(provider?.ended?.at).toBeGreaterThanOrEqual(stoppedAt);
    expect(endedAfterMs).toBeGreaterThanOrEqual(0);
    expect(provider?.wordsSent).toBeLessThan(400);

    const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(replay.slice(-2).map((chunk) => chunk.type)).toEqual(['abort', 'finish']);
    const shown = textOf(await assemble(replay));
    const shownWords = shown.split(' ');
    expect(shownWords.length).toBeGreaterThanOrEqual(5);
    expect(shown).toBe(Array.from({ length: shownWords.length }, (_, index) => `word${index + 1}`).join(' '));

    const thread = await getThread(server.url, session.token, threadId);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
    expect(textOf(thread.messages[1])).toBe(shown);
    const { body: ledger } = await getJson(server.url, session.token, `/api/billing/runs/${runId}`);
    // The provider never reported usage for the cut call: the charge is the streamed words.
    expect(ledger.charge).toMatchObject({ outcome: 'aborted', outputTokens: shownWords.length });
    expect(ledger.attempts).toEqual([expect.objectContaining({ outcome: 'aborted', source: 'estimated' })]);
  });

  it('after a Stop inside a tool, the next turn sends the provider a well-formed history', async () => {
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, 'Research something [[stub tool=research]]');
    const runId = runIdOf(response);
    await readUntil(response, (chunks) => chunks.at(-1)?.type === 'tool-input-available');
    await stopRun(server.url, session.token, runId);
    expect(await waitForRunEnd(server.url, session.token, runId, 10_000)).toBe('completed');

    const next = await postChat(server.url, session.token, threadId, 'Never mind, just say something');
    const nextRunId = runIdOf(next);
    expect(textOf(await assemble(await readChunks(next)))).toBe(stubWords.join(' '));
    expect(await waitForRunEnd(server.url, session.token, nextRunId)).toBe('completed');
    const followUps = stub.requests.filter((request) => request.lastUserText === 'Never mind, just say something');
    expect(followUps.map((request) => request.rejected ?? 'accepted')).toEqual(['accepted']);
    const thread = await getThread(server.url, session.token, threadId);
    expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});
