import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  announcedMessageId,
  assemble,
  assembleRaw,
  getJson,
  getStream,
  getThread,
  postChat,
  postChatWith,
  readChunks,
  runIdOf,
  stopRun,
  streamedTokens,
  textOf,
  userMessage,
  useTwoUsers,
  waitForRunEnd,
} from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer();
const users = useTwoUsers(fixture);

async function cleanReplyText(prompt: string): Promise<string> {
  return textOf(await assemble(await readChunks(await postChat(fixture.server.url, users.alice.token, randomUUID(), prompt))));
}

const roles = (messages: { role: string }[]) => messages.map((message) => message.role);

describe('memory after a retried turn', () => {
  it('holds one user and one assistant message, with the id the stream announced and the clean text', async () => {
    const threadId = randomUUID();
    const response = await postChat(fixture.server.url, users.alice.token, threadId, 'Flaky memory [[sim words=40 tps=0 fail_at=12]]');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(await waitForRunEnd(fixture.server.url, users.alice.token, runId)).toBe('completed');

    // The retry marks where it starts over, so the client drops the abandoned partial text.
    const reset = chunks.findIndex((chunk) => chunk.type === 'data-reset');
    expect(chunks[reset]).toEqual({ type: 'data-reset', data: { attempt: 2 } });
    // The failed attempt streamed up to 12 tokens (the last few may still sit in the writer's
    // buffer when the step fails).
    const abandoned = streamedTokens(chunks.slice(0, reset));
    expect(abandoned).toBeGreaterThan(0);
    expect(abandoned).toBeLessThanOrEqual(12);
    expect(new Set(chunks.flatMap((chunk) => (chunk.type === 'start' ? [chunk.messageId] : []))).size).toBe(1);
    const raw = await assembleRaw(chunks);
    expect(raw?.parts.filter((part) => part.type === 'text')).toHaveLength(2);
    const shown = (await assemble(chunks))!;

    const thread = await getThread(fixture.server.url, users.alice.token, threadId);
    expect(roles(thread.messages)).toEqual(['user', 'assistant']);
    expect(thread.messages[1]?.id).toBe(announcedMessageId(chunks));
    expect(thread.messages[1]?.id).toBe(shown.id);
    expect(textOf(thread.messages[1])).toBe(textOf(shown));
    expect(textOf(shown)).toBe(await cleanReplyText('Flaky memory [[sim words=40 tps=0]]'));
  });
});

describe('recall', () => {
  it('lets the next turn see the previous exchange', async () => {
    const threadId = randomUUID();
    const first = await readChunks(await postChat(fixture.server.url, users.alice.token, threadId, 'Tell me something [[sim words=20 tps=0]]'));
    const firstText = textOf(await assemble(first));
    const second = await readChunks(await postChat(fixture.server.url, users.alice.token, threadId, 'Repeat yourself [[sim words=5 tps=0 quote=6]]'));
    const quoted = firstText.split(/\s+/).slice(0, 6).join(' ');
    expect(textOf(await assemble(second)).startsWith(`Earlier I said: "${quoted}".`)).toBe(true);
    expect(roles((await getThread(fixture.server.url, users.alice.token, threadId)).messages)).toEqual(['user', 'assistant', 'user', 'assistant']);
  });
});

describe('thread list', () => {
  it("lists the user's threads newest first with titles and live state, and nobody else's", async () => {
    const older = randomUUID();
    const newer = randomUUID();
    await readChunks(await postChat(fixture.server.url, users.bob.token, older, 'Bob asks about queues [[sim words=3 tps=0]]'));
    const live = await postChat(fixture.server.url, users.bob.token, newer, 'Bob asks about streams [[sim words=400 tps=40]]');
    await readChunks(live, 3);

    const { status, body } = await getJson(fixture.server.url, users.bob.token, '/api/threads');
    expect(status).toBe(200);
    expect(body.threads.map((thread: { id: string }) => thread.id).slice(0, 2)).toEqual([newer, older]);
    expect(body.threads[0]).toMatchObject({ title: 'Bob asks about streams', active: true });
    expect(body.threads[1]).toMatchObject({ title: 'Bob asks about queues', active: false });

    const aliceList = await getJson(fixture.server.url, users.alice.token, '/api/threads');
    expect(aliceList.body.threads.map((thread: { id: string }) => thread.id)).not.toContain(newer);
    await stopRun(fixture.server.url, users.bob.token, runIdOf(live));
  });
});

describe('double texting', () => {
  const longPrompt = 'First question [[sim words=80 tps=60]]';

  it('reject (default): of two concurrent messages one runs, the other gets 409 with its run id', async () => {
    const threadId = randomUUID();
    const [first, second] = await Promise.all([
      postChat(fixture.server.url, users.alice.token, threadId, longPrompt),
      postChat(fixture.server.url, users.alice.token, threadId, 'Second question [[sim words=5]]'),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [winner, loser] = first.status === 200 ? [first, second] : [second, first];
    const conflict = await loser.json();
    expect(conflict.error).toMatchObject({ code: 'conflict:active_run', activeRunId: runIdOf(winner) });
    await readChunks(winner);
    await waitForRunEnd(fixture.server.url, users.alice.token, runIdOf(winner));
    expect(roles((await getThread(fixture.server.url, users.alice.token, threadId)).messages)).toEqual(['user', 'assistant']);
  });

  it('enqueue: the second turn starts when the first ends, and the thread keeps both in order', async () => {
    const threadId = randomUUID();
    const first = await postChat(fixture.server.url, users.alice.token, threadId, longPrompt);
    const second = await postChatWith(fixture.server.url, users.alice.token, { id: threadId, messages: [userMessage('Second question [[sim words=5 tps=0]]')], onActiveRun: 'enqueue' });
    expect(second.status).toBe(200);
    const [firstChunks, secondChunks] = await Promise.all([readChunks(first), readChunks(second)]);
    expect(firstChunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    expect(secondChunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    // Read the moment `finish` arrived, while the run is still closing: its answer is stored and shown.
    const thread = await getThread(fixture.server.url, users.alice.token, threadId);
    expect(roles(thread.messages)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(textOf(thread.messages[0])).toBe('First question [[sim words=80 tps=60]]');
    expect(thread.messages[1]?.id).toBe(announcedMessageId(firstChunks));
    expect(thread.messages[3]?.id).toBe(announcedMessageId(secondChunks));
  });

  it('interrupt: the running turn is stopped with its partial answer kept, then the new one runs', async () => {
    const threadId = randomUUID();
    const first = await postChat(fixture.server.url, users.alice.token, threadId, 'Long first [[sim words=2000 tps=50]]');
    const head = await readChunks(first, 8);
    const second = await postChatWith(fixture.server.url, users.alice.token, { id: threadId, messages: [userMessage('Never mind [[sim words=5 tps=0]]')], onActiveRun: 'interrupt' });
    expect(second.status).toBe(200);
    const firstChunks = [...head, ...(await readChunks(await getStream(fixture.server.url, users.alice.token, runIdOf(first), head.length)))];
    expect(firstChunks.slice(-2).map((chunk) => chunk.type)).toEqual(['abort', 'finish']);
    const secondChunks = await readChunks(second);
    expect(secondChunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });

    const thread = await getThread(fixture.server.url, users.alice.token, threadId);
    expect(roles(thread.messages)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(thread.messages[1]?.id).toBe(announcedMessageId(firstChunks));
    expect(textOf(thread.messages[1])).toBe(textOf(await assemble(firstChunks)));
    expect(thread.messages[3]?.id).toBe(announcedMessageId(secondChunks));
  });
});
