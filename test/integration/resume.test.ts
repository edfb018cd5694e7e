import { randomUUID } from 'node:crypto';
import type { UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { assemble, createSession, getStream, postChat, readChunks, readUntil, runIdOf, type Session, streamedTokens, textOf, waitForRunEnd } from '../support/chat-client';
import { removeDataDir, startServer, type TestServer } from '../support/server';

let server: TestServer;
let session: Session;

beforeAll(async () => {
  server = await startServer();
  session = await createSession(server.url);
});

afterAll(async () => {
  await server?.stop();
  if (server) await removeDataDir(server.dataDir);
});

const prompt = 'Explain durable streams [[sim words=40 tps=150]]';

describe('resume from any index', () => {
  it('a full replay from 0 is the whole well-formed turn, ending in one finish', async () => {
    const runId = runIdOf(await postChat(server.url, session.token, randomUUID(), prompt));
    await waitForRunEnd(server.url, session.token, runId);
    const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(replay[0]?.type).toBe('start');
    expect(replay.at(-1)?.type).toBe('finish');
    expect(replay.filter((chunk) => chunk.type === 'finish')).toHaveLength(1);
    expect(streamedTokens(replay)).toBe(40);
    expect(textOf(await assemble(replay)).length).toBeGreaterThan(100);
  });

  // Where the client drops, by what it has seen: deltas are merged when they pile up behind a
  // write, so chunk counts differ from run to run.
  it.each<[string, (seen: readonly UIMessageChunk[]) => boolean]>([
    ['at the start', (seen) => seen.length === 1],
    ['in the middle', (seen) => streamedTokens([...seen]) >= 20],
    ['at the end', (seen) => seen.at(-1)?.type === 'finish-step'],
  ])('disconnect %s and reconnect with startIndex=K loses and repeats nothing', async (_label, dropAfter) => {
    const live = await postChat(server.url, session.token, randomUUID(), prompt);
    const runId = runIdOf(live);
    const head = await readUntil(live, dropAfter);
    expect(head.at(-1)?.type).not.toBe('finish');
    const resumed = await getStream(server.url, session.token, runId, head.length);
    expect(resumed.status).toBe(200);
    const tail = await readChunks(resumed);
    const full = await readChunks(await getStream(server.url, session.token, runId, 0));

    expect([...head, ...tail]).toEqual(full);
    expect(await assemble([...head, ...tail])).toEqual(await assemble(full));
  });

  it('reports the tail index so a client can tell how far the run has written', async () => {
    const runId = runIdOf(await postChat(server.url, session.token, randomUUID(), prompt));
    await waitForRunEnd(server.url, session.token, runId);
    const response = await getStream(server.url, session.token, runId, 0);
    const chunks = await readChunks(response);
    expect(Number(response.headers.get('x-workflow-stream-tail-index'))).toBe(chunks.length - 1);
  });
});

describe('the run outlives the request', () => {
  it('keeps going after the client disconnects right after the POST', async () => {
    const controller = new AbortController();
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, 'Tell me a story [[sim words=60 tps=100]]', { signal: controller.signal });
    const runId = runIdOf(response);
    controller.abort();
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('completed');
    const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(replay.at(-1)?.type).toBe('finish');
    expect(streamedTokens(replay)).toBe(60);
    const message = await assemble(replay);

    const thread = await fetch(`${server.url}/api/threads/${threadId}`, { headers: { authorization: `Bearer ${session.token}` } });
    const view = await thread.json();
    expect(view.activeRunId).toBeNull();
    expect(view.messages.map((stored: { role: string }) => stored.role)).toEqual(['user', 'assistant']);
    expect(textOf(view.messages[1])).toBe(textOf(message));
  });

  it('shows a reloaded page the history without the live reply, and the active run to resume', async () => {
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, 'A long answer please [[sim words=200 tps=40]]');
    const runId = runIdOf(response);
    await readChunks(response, 5);
    const view = await (await fetch(`${server.url}/api/threads/${threadId}`, { headers: { authorization: `Bearer ${session.token}` } })).json();
    expect(view.activeRunId).toBe(runId);
    expect(view.messages.map((stored: { role: string }) => stored.role)).toEqual(['user']);
    await waitForRunEnd(server.url, session.token, runId);
  });
});

describe('every stream ends', () => {
  it('ends a turn whose model fails on every attempt with error then finish, and marks the run failed', async () => {
    const response = await postChat(server.url, session.token, randomUUID(), 'Break [[sim words=30 tps=0 fatal_at=3]]');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(chunks.slice(-2).map((chunk) => chunk.type)).toEqual(['error', 'finish']);
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('failed');
    // Every attempt failed after a few tokens: a late reader gets the last one's, then the ending.
    const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(replay).toEqual(finishedStreamReplay(chunks, 0).chunks);
    expect(replay.filter((chunk) => chunk.type === 'data-reset')).toEqual([]);
    expect(replay.slice(-2).map((chunk) => chunk.type)).toEqual(['error', 'finish']);
  });

  it('retries a transient model failure and completes the turn', async () => {
    const response = await postChat(server.url, session.token, randomUUID(), 'Flaky [[sim words=30 tps=0 fail_at=10]]');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(chunks.some((chunk) => chunk.type === 'error')).toBe(false);
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('completed');
  });
});
