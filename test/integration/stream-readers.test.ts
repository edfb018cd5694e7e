import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createSession, getJson, postChat, readUntil, runIdOf, stopRun, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer({ env: { DEBUG_MEASURES: '1' } });

interface Measures {
  openFds: number;
  streamListeners: number | null;
}

const measure = async (): Promise<Measures> => (await fetch(`${fixture.server.url}/api/debug/process`)).json();

// The local world reports its stream listeners; the Postgres world does not (null), and its
// readers are checked by their descriptors alone.
const noListenersLeft = async () => [0, null].includes((await measure()).streamListeners);

/**
 * A reader that connects, takes `chunks` SSE events (0: leaves as soon as the response starts,
 * while the server may still be reading the stream's past chunks from disk) and drops the
 * connection, the way a closed tab does.
 */
function readAndLeave(runId: string, token: string, startIndex: number, chunks: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${fixture.server.url}/api/chat/${runId}/stream?startIndex=${startIndex}`, { headers: { authorization: `Bearer ${token}` }, agent: false }, (response) => {
      let events = 0;
      const leave = () => {
        request.destroy();
        resolve();
      };
      if (chunks === 0) return leave();
      response.on('data', (data: Buffer) => {
        events += data.toString().split('\n\n').length - 1;
        if (events >= chunks) leave();
      });
      response.on('end', resolve);
    });
    request.on('error', (error) => (request.destroyed ? resolve() : reject(error)));
  });
}

describe('readers of a live run', () => {
  it('release every descriptor and listener they held once they leave, with 200 readers on one run', { timeout: 180_000 }, async () => {
    const { url } = fixture.server;
    const { token } = await createSession(url);
    const response = await postChat(url, token, randomUUID(), 'A long answer [[sim words=2000 tps=25]]');
    const runId = runIdOf(response);
    // Enough chunks written that a reader from index 0 is still reading them from disk when it
    // leaves; the answer (the simulated model's longest, 80 s at 25 tokens/s) outlasts the test.
    await readUntil(response, (seen) => seen.length >= 300);
    const wave = (readers: number) => Promise.all(Array.from({ length: readers }, (_, index) => readAndLeave(runId, token, index % 2 === 0 ? 0 : 250 + (index % 50), index % 4 === 0 ? 0 : 3)));
    // The base is taken once the database pools (PostgreSQL) have grown for this load.
    await wave(50);
    await expect.poll(noListenersLeft, { timeout: 20_000, interval: 250 }).toBe(true);
    const base = await measure();

    await wave(200);
    expect((await getJson(url, token, `/api/chat/${runId}`)).body.status).toBe('running');

    // Leaving is noticed when the next chunk is written; the run keeps writing, so this settles fast.
    await expect.poll(noListenersLeft, { timeout: 20_000, interval: 250 }).toBe(true);
    await expect.poll(async () => (await measure()).openFds, { timeout: 20_000, interval: 250 }).toBeLessThanOrEqual(base.openFds + 10);
    expect((await getJson(url, token, `/api/chat/${runId}`)).body.status).toBe('running');
    expect(fixture.server.output()).not.toContain('MaxListenersExceededWarning');

    await stopRun(url, token, runId);
    await waitForRunEnd(url, token, runId);
  });
});
