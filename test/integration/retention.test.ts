import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createSession, getJson, getStream, getThread, postChat, postChatWith, readChunks, readUntil, runIdOf, stopRun, userMessage, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';
import { streamChunksOf, worldDataOf } from '../support/world-data';

// 10.8 seconds, long enough to look at the runs before; a pass every 1.1 s prunes them soon after.
const retentionMs = 10_800;
const passMs = 1_080;
const fixture = useTestServer({ env: { RUN_RETENTION_HOURS: String(retentionMs / 3_600_000) } });

type RunSummary = { runId: string };

const runsOf = async (token: string, runIds: string[]) => {
  const { body } = await getJson(fixture.server.url, token, '/api/runs?limit=50');
  return (body.runs as RunSummary[]).filter((run) => runIds.includes(run.runId));
};

async function finishedTurn(token: string, threadId: string, text: string, messageId = randomUUID()) {
  const response = await postChatWith(fixture.server.url, token, { id: threadId, messages: [userMessage(text, messageId)] });
  const runId = runIdOf(response);
  await readChunks(response);
  expect(await waitForRunEnd(fixture.server.url, token, runId)).toBe('completed');
  return { runId, messageId };
}

describe('retention of finished runs', () => {
  it("removes a finished run's stream and workflow data, keeps memory, runs and usage, and never touches active or waiting runs", { timeout: 90_000 }, async () => {
    const { url } = fixture.server;
    const { token } = await createSession(url);
    const threadId = randomUUID();
    const first = await finishedTurn(token, threadId, 'Keep this answer [[sim words=30 tps=0]]');
    const second = await finishedTurn(token, threadId, 'And this one [[sim words=30 tps=0]]');
    const finished = [first.runId, second.runId];

    // A run as old as those, still answering, and one queued behind it.
    const busyThread = randomUUID();
    const live = await postChat(url, token, busyThread, 'A long answer [[sim words=900 tps=40]]');
    const liveRunId = runIdOf(live);
    await readUntil(live, (seen) => seen.length >= 5);
    // Its response starts with the run's first chunk, so it is read at the end; the run is found in the list.
    const queued = postChatWith(url, token, { id: busyThread, messages: [userMessage('Then this')], onActiveRun: 'enqueue' });
    let queuedRunId = '';
    await expect
      .poll(async () => {
        const { body } = await getJson(url, token, '/api/runs');
        queuedRunId = (body.runs as Array<{ runId: string; threadId: string }>).find((run) => run.threadId === busyThread && run.runId !== liveRunId)?.runId ?? '';
        return queuedRunId;
      })
      .toMatch(/^wrun_/);

    const before = { runs: await runsOf(token, finished), usage: (await getJson(url, token, '/api/billing/usage')).body, thread: await getThread(url, token, threadId) };
    for (const runId of finished) expect(await streamChunksOf(fixture.server, runId)).toBeGreaterThan(0);

    for (const runId of finished) {
      await expect.poll(async () => (await getStream(url, token, runId, 0)).status, { timeout: 30_000, interval: 250 }).toBe(410);
    }
    const gone = await getStream(url, token, first.runId, 0);
    expect(await gone.json()).toMatchObject({ error: { code: 'gone:stream', threadId } });
    for (const runId of finished) expect(await worldDataOf(fixture.server, runId)).toBe(0);

    // The answering run and the queued one keep everything, however old they are: once both
    // are past the retention period and passes have run since, they were candidates too.
    const { body: queuedRun } = await getJson(url, token, `/api/chat/${queuedRunId}`);
    await sleep(Math.max(0, Date.parse(queuedRun.createdAt) + retentionMs + 2 * passMs - Date.now()));
    expect((await getJson(url, token, `/api/chat/${liveRunId}`)).body.status).toBe('running');
    expect(['pending', 'running']).toContain((await getJson(url, token, `/api/chat/${queuedRunId}`)).body.status);
    expect(await streamChunksOf(fixture.server, liveRunId)).toBeGreaterThan(0);
    expect(await worldDataOf(fixture.server, queuedRunId)).toBeGreaterThan(0);
    expect((await readChunks(await getStream(url, token, liveRunId, 0), 3)).length).toBe(3);

    // Memory, the runs list and usage are exactly what they were.
    expect(await runsOf(token, finished)).toEqual(before.runs);
    expect((await getJson(url, token, '/api/billing/usage')).body).toEqual(before.usage);
    expect(await getThread(url, token, threadId)).toEqual(before.thread);
    expect((await getJson(url, token, `/api/chat/${first.runId}`)).body.status).toBe('completed');

    // The same message sent again names a run whose stream is gone: 410, not a hang.
    const resent = await postChatWith(url, token, { id: threadId, messages: [userMessage('Keep this answer [[sim words=30 tps=0]]', first.messageId)] });
    expect(resent.status).toBe(410);

    await stopRun(url, token, liveRunId);
    await waitForRunEnd(url, token, liveRunId);
    await stopRun(url, token, queuedRunId);
    await waitForRunEnd(url, token, queuedRunId);
    await (await queued).body?.cancel();
  });
});
