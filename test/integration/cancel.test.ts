import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTwoUsers, getJson, getStream, postChat, readChunks, runIdOf, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer();
const users = useTwoUsers(fixture);

const stop = (token: string, runId: string) => fetch(`${fixture.server.url}/api/chat/${runId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });

describe('Stop', () => {
  it('ends the run on the server: the model stops, the stream ends with abort then finish', async () => {
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Go on and on [[sim words=2000 tps=50]]');
    const runId = runIdOf(response);
    const head = await readChunks(response, 10);

    expect((await stop(users.bob.token, runId)).status).toBe(404);
    const stopped = await stop(users.alice.token, runId);
    expect(stopped.status).toBe(202);
    expect((await stopped.json()).cancelRequestedAt).toEqual(expect.any(String));
    const stoppedAt = Date.now();

    expect(await waitForRunEnd(fixture.server.url, users.alice.token, runId, 10_000)).toBe('completed');
    expect(Date.now() - stoppedAt).toBeLessThan(3_000);
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
});
