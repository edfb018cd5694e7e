import { randomUUID } from 'node:crypto';
import type { UIMessage, UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, createSession, getJson, getStream, getThread, postChatWith, readChunks, readUntil, runIdOf, type Session, textOf, userMessage, waitForRunEnd } from '../support/chat-client';
import { type OpenAIStub, type StubRequest, startOpenAIStub } from '../support/openai-stub';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';
import { countRows } from '../support/stored-rows';

let stub: OpenAIStub;
let server: TestServer;
let alice: Session;
let bob: Session;

beforeAll(async () => {
  stub = await startOpenAIStub();
  server = await startServer({ env: { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: 'test-key' } });
  [alice, bob] = await Promise.all([createSession(server.url), createSession(server.url)]);
});

afterAll(async () => {
  await server?.stop();
  await stub?.close();
  if (server) await removeDataDir(server.dataDir);
  expectNoStreamViolations(server?.output() ?? '');
});

type Body = Record<string, unknown>;

function send(session: Session, body: Body): Promise<Response> {
  return postChatWith(server.url, session.token, body);
}

/** Runs a request to its end: the run id and the answer a client assembles from its stream. */
async function answer(session: Session, body: Body, baseUrl = server.url): Promise<{ runId: string; message: UIMessage; chunks: UIMessageChunk[] }> {
  const response = await postChatWith(baseUrl, session.token, body);
  expect(response.status, await response.clone().text()).toBe(200);
  const runId = runIdOf(response);
  const chunks = await readChunks(response);
  expect(validateUIStream(chunks)).toEqual([]);
  const message = await assemble(chunks);
  if (!message) throw new Error('the stream assembled no message');
  await waitForRunEnd(baseUrl, session.token, runId);
  return { runId, message, chunks };
}

function regenerate(threadId: string, message: UIMessage, messageId?: string, onActiveRun?: string): Body {
  return { id: threadId, messages: [message], trigger: 'regenerate-message', ...(messageId ? { messageId } : {}), ...(onActiveRun ? { onActiveRun } : {}) };
}

/** The stored thread as the page shows it after a reload: role, id and text of each message. */
function shape(messages: UIMessage[]): Array<{ id: string; role: string; text: string }> {
  return messages.map((message) => ({ id: message.id, role: message.role, text: textOf(message) }));
}

/** The conversation the stub was last sent, without the system prompt. */
function lastPrompt(): StubRequest['prompt'] {
  return (stub.requests.at(-1)?.prompt ?? []).filter((message) => message.role !== 'system');
}

async function chargeOf(runId: string) {
  const { status, body } = await getJson(server.url, alice.token, `/api/billing/runs/${runId}`);
  expect(status).toBe(200);
  return body.charge;
}

describe('regenerate', () => {
  it('replaces the answer, keeps the earlier one as a version, charges each run once; the next prompt holds only the branch', async () => {
    const threadId = randomUUID();
    const question = userMessage('What is durable? [[stub numbered]]');
    const first = await answer(alice, { id: threadId, messages: [question] });
    const second = await answer(alice, regenerate(threadId, question, `reply_${first.runId}`));
    expect(second.runId).not.toBe(first.runId);
    expect(textOf(second.message)).not.toBe(textOf(first.message));

    // Sent again (a lost response), the regenerate attaches to the run it started.
    const resent = await send(alice, regenerate(threadId, question, `reply_${first.runId}`));
    expect(runIdOf(resent)).toBe(second.runId);
    await resent.body?.cancel();

    const thread = await getThread(server.url, alice.token, threadId);
    expect(shape(thread.messages)).toEqual(shape([question, second.message]));
    const versions = (thread as unknown as { versions: Record<string, UIMessage[]> }).versions;
    expect(shape(versions[question.id] ?? [])).toEqual(shape([first.message]));

    // Each run charged once, the replaced one included; the resend charged nothing.
    expect(await chargeOf(first.runId)).toMatchObject({ outcome: 'completed' });
    expect(await chargeOf(second.runId)).toMatchObject({ outcome: 'completed' });
    const { body: usage } = await getJson(server.url, alice.token, '/api/billing/usage');
    const charged = usage.runs.filter((run: { threadId: string }) => run.threadId === threadId);
    expect(charged.map((run: { runId: string }) => run.runId).sort()).toEqual([first.runId, second.runId].sort());

    const next = userMessage('And then? [[stub numbered]]');
    const third = await answer(alice, { id: threadId, messages: [next] });
    expect(lastPrompt()).toEqual([
      { role: 'user', text: textOf(question) },
      { role: 'assistant', text: textOf(second.message) },
      { role: 'user', text: textOf(next) },
    ]);
    const after = await getThread(server.url, alice.token, threadId);
    expect(shape(after.messages)).toEqual(shape([question, second.message, next, third.message]));
  });

  it('refuses an answer that is no longer the current one, a message never answered, and a malformed messageId', async () => {
    const threadId = randomUUID();
    const question = userMessage('Regenerate me [[stub numbered]]');
    const first = await answer(alice, { id: threadId, messages: [question] });
    await answer(alice, regenerate(threadId, question));
    const stale = await send(alice, regenerate(threadId, question, 'reply_wrun_01ABCDEFGHJKMNPQRSTVWXYZ00'));
    expect(stale.status).toBe(409);
    expect((await stale.json()).error.code).toBe('conflict:stale_answer');
    const unanswered = await send(alice, regenerate(threadId, userMessage('never sent')));
    expect(unanswered.status).toBe(404);
    const malformed = await send(alice, regenerate(threadId, question, 'not-a-reply-id'));
    expect(malformed.status).toBe(400);
    const foreign = await send(bob, regenerate(threadId, question, `reply_${first.runId}`));
    expect([404, 409]).toContain(foreign.status);
  });

  it('while the answer streams: reject answers 409 with the active run; interrupt stops it and keeps its partial answer as an earlier version', async () => {
    const threadId = randomUUID();
    const question = userMessage('Talk slowly [[stub words=150 ms=20 numbered]]');
    const response = await send(alice, { id: threadId, messages: [question] });
    const firstRunId = runIdOf(response);
    await readUntil(response, (chunks) => chunks.filter((chunk) => chunk.type === 'text-delta').length >= 5);

    const rejected = await send(alice, regenerate(threadId, question, `reply_${firstRunId}`, 'reject'));
    expect(rejected.status).toBe(409);
    expect((await rejected.json()).error).toMatchObject({ code: 'conflict:active_run', activeRunId: firstRunId });

    const second = await answer(alice, regenerate(threadId, question, `reply_${firstRunId}`, 'interrupt'));
    expect(await waitForRunEnd(server.url, alice.token, firstRunId)).toBe('completed');
    const firstReplay = await readChunks(await getStream(server.url, alice.token, firstRunId, 0));
    expect(firstReplay.slice(-2).map((chunk) => chunk.type)).toEqual(['abort', 'finish']);
    const partial = await assemble(firstReplay);

    const thread = await getThread(server.url, alice.token, threadId);
    expect(shape(thread.messages)).toEqual(shape([question, second.message]));
    expect(textOf(second.message).split(' ')).toHaveLength(151);
    const versions = (thread as unknown as { versions: Record<string, UIMessage[]> }).versions;
    expect(shape(versions[question.id] ?? [])).toEqual(shape(partial ? [partial] : []));
    // The earlier version is known as stopped, so the page can say so.
    expect(versions[question.id]?.[0]?.metadata).toMatchObject({ outcome: 'aborted' });
    expect(textOf(partial).split(' ').length).toBeLessThan(151);
    expect(await chargeOf(firstRunId)).toMatchObject({ outcome: 'aborted' });
    expect(await chargeOf(second.runId)).toMatchObject({ outcome: 'completed' });
  });
});

describe('edit', () => {
  it('cuts the thread after the edited message, stores the new text under its id and answers it; the cut turns stay in the ledger', async () => {
    const threadId = randomUUID();
    const one = userMessage('One [[stub numbered]]');
    const two = userMessage('Two [[stub numbered]]');
    const three = userMessage('Three [[stub numbered]]');
    const a1 = await answer(alice, { id: threadId, messages: [one] });
    await answer(alice, { id: threadId, messages: [two] });
    const a3 = await answer(alice, { id: threadId, messages: [three] });

    const edited: UIMessage = { ...two, parts: [{ type: 'text', text: 'Two, edited [[stub numbered]]' }] };
    const editBody = { id: threadId, messages: [one, edited], trigger: 'submit-message', messageId: two.id };
    const reply = await answer(alice, editBody);
    expect(lastPrompt()).toEqual([
      { role: 'user', text: textOf(one) },
      { role: 'assistant', text: textOf(a1.message) },
      { role: 'user', text: textOf(edited) },
    ]);
    const thread = await getThread(server.url, alice.token, threadId);
    expect(shape(thread.messages)).toEqual(shape([one, a1.message, edited, reply.message]));

    // The same edit sent again is the same request.
    const resent = await send(alice, editBody);
    expect(runIdOf(resent)).toBe(reply.runId);
    await resent.body?.cancel();
    // An edit names the message it sends.
    const misnamed = await send(alice, { id: threadId, messages: [edited], trigger: 'submit-message', messageId: one.id });
    expect(misnamed.status).toBe(400);

    // The cut turn left memory, not the ledger or the runs page.
    expect(await chargeOf(a3.runId)).toMatchObject({ outcome: 'completed' });
    const { body: runs } = await getJson(server.url, alice.token, '/api/runs');
    expect(runs.runs.map((run: { runId: string }) => run.runId)).toContain(a3.runId);
  });
});

describe('delete a thread', () => {
  it('during an active run: the run ends, the thread is gone for every API, the ledger keeps the charge; another user gets 404', async () => {
    const threadId = randomUUID();
    const response = await send(alice, { id: threadId, messages: [userMessage('Talk on [[stub words=400 ms=25]]')] });
    const runId = runIdOf(response);
    await readUntil(response, (chunks) => chunks.filter((chunk) => chunk.type === 'text-delta').length >= 5);
    const provider = stub.requests.at(-1);

    const foreign = await fetch(`${server.url}/api/threads/${threadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.token}` } });
    expect(foreign.status).toBe(404);
    expect((await getThread(server.url, alice.token, threadId)).activeRunId).toBe(runId);

    const deleted = await fetch(`${server.url}/api/threads/${threadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(deleted.status).toBe(204);
    // The delete answered after the run ended: the provider call was cut off, not finished.
    expect(provider?.ended?.how).toBe('disconnected');
    expect(provider?.wordsSent).toBeLessThan(400);

    expect((await getJson(server.url, alice.token, `/api/threads/${threadId}`)).status).toBe(404);
    expect((await getJson(server.url, alice.token, `/api/chat/${runId}`)).status).toBe(404);
    expect((await getStream(server.url, alice.token, runId, 0)).status).toBe(404);
    const { body: list } = await getJson(server.url, alice.token, '/api/threads');
    expect(list.threads.map((thread: { id: string }) => thread.id)).not.toContain(threadId);
    const revived = await send(alice, { id: threadId, messages: [userMessage('Bring it back')] });
    expect(revived.status).toBe(404);

    // The ledger is the record: the stopped run keeps its charge and its place on the runs page.
    expect(await chargeOf(runId)).toMatchObject({ outcome: 'aborted' });
    const { body: runs } = await getJson(server.url, alice.token, '/api/runs');
    expect(runs.runs.find((run: { runId: string }) => run.runId === runId)).toMatchObject({ threadTitle: null, status: 'completed' });

    const again = await fetch(`${server.url}/api/threads/${threadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${alice.token}` } });
    expect(again.status).toBe(204);
    const foreignAgain = await fetch(`${server.url}/api/threads/${threadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.token}` } });
    expect(foreignAgain.status).toBe(404);
  });
});

describe('a crash during a regenerated run', () => {
  const crashed: TestServer[] = [];
  afterAll(async () => {
    for (const instance of crashed) await instance.stop();
    if (crashed[0]) await removeDataDir(crashed[0].dataDir);
  });

  it('SIGKILL mid-answer, restart: one answer in memory, the earlier version intact, each run charged once; a delete then removes its rows', { timeout: 120_000 }, async () => {
    const first = await startServer();
    crashed.push(first);
    const session = await createSession(first.url);
    const threadId = randomUUID();
    const question = userMessage('Survive a regenerate [[sim words=150 tps=50]]');
    const original = await postChatWith(first.url, session.token, { id: threadId, messages: [question] });
    const firstRunId = runIdOf(original);
    const originalMessage = await assemble(await readChunks(original));
    await waitForRunEnd(first.url, session.token, firstRunId);

    const regenerated = await postChatWith(first.url, session.token, regenerate(threadId, question, `reply_${firstRunId}`));
    const secondRunId = runIdOf(regenerated);
    expect(await readChunks(regenerated, 25)).toHaveLength(25);
    await first.crash();
    const second = await startServer({ dataDir: first.dataDir, port: first.port });
    crashed.push(second);

    expect(await waitForRunEnd(second.url, session.token, secondRunId)).toBe('completed');
    const replay = await readChunks(await getStream(second.url, session.token, secondRunId, 0));
    const shown = await assemble(replay);
    const thread = await getThread(second.url, session.token, threadId);
    expect(shape(thread.messages)).toEqual(shape([question, shown as UIMessage]));
    expect(thread.messages[1]?.id).toBe(`reply_${secondRunId}`);
    const versions = (thread as unknown as { versions: Record<string, UIMessage[]> }).versions;
    expect(shape(versions[question.id] ?? [])).toEqual(shape([originalMessage as UIMessage]));

    for (const runId of [firstRunId, secondRunId]) {
      const { body } = await getJson(second.url, session.token, `/api/billing/runs/${runId}`);
      expect(body.charge).toMatchObject({ outcome: 'completed', outputTokens: 150 });
    }
    const { body: usage } = await getJson(second.url, session.token, '/api/billing/usage');
    expect(usage.totals.runs).toBe(2);

    // Deleting the thread afterwards removes its rows (memory, versions, a note), not its charges.
    await answer(session, { id: threadId, messages: [userMessage('Note this [[sim tools=save_note words=5 tps=0]]')] }, second.url);
    const stored = () =>
      Promise.all([
        countRows(second, 'memory', 'mastra_messages', 'thread_id', threadId),
        countRows(second, 'memory', 'mastra_threads', 'id', threadId),
        countRows(second, 'app', 'message_versions', 'thread_id', threadId),
        countRows(second, 'app', 'notes', 'thread_id', threadId),
        countRows(second, 'app', 'billing_charges', 'thread_id', threadId),
      ]);
    expect(await stored()).toEqual([4, 1, 1, 1, 3]);
    const deleted = await fetch(`${second.url}/api/threads/${threadId}`, { method: 'DELETE', headers: { authorization: `Bearer ${session.token}` } });
    expect(deleted.status).toBe(204);
    expect(await stored()).toEqual([0, 0, 0, 0, 3]);
    expectNoStreamViolations(second.output());
  });
});
