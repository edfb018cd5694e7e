import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RunPage, RunSummary } from '../../lib/runs/list-runs';
import { createSession, getJson, getStream, getThread, postChat, readChunks, runIdOf, stopRun, useTwoUsers, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';
import { queryAppDatabase } from '../support/tool-turns';

const fixture = useTestServer();
const users = useTwoUsers(fixture);

async function listRuns(token: string, query = ''): Promise<RunPage> {
  const { status, body } = await getJson(fixture.server.url, token, `/api/runs${query}`);
  expect(status, JSON.stringify(body)).toBe(200);
  return body;
}

const stop = (token: string, runId: string) => stopRun(fixture.server.url, token, runId);

/** A turn run to its end; `interrupt` stops it after the first chunks. */
async function turn(prompt: string, options: { interrupt?: boolean } = {}) {
  const threadId = randomUUID();
  const response = await postChat(fixture.server.url, users.alice.token, threadId, prompt);
  const runId = runIdOf(response);
  if (options.interrupt) {
    await readChunks(response, 10);
    expect((await stop(users.alice.token, runId)).status).toBe(202);
  } else {
    await readChunks(response);
  }
  await waitForRunEnd(fixture.server.url, users.alice.token, runId);
  // The stream's length, which the tail index gives: the replay of a retried run leaves out its
  // abandoned attempts (`x-replay: clean`).
  const replayed = await getStream(fixture.server.url, users.alice.token, runId, 0);
  const streamLength = Number(replayed.headers.get('x-workflow-stream-tail-index')) + 1;
  await replayed.body?.cancel();
  const { body: ledger } = await getJson(fixture.server.url, users.alice.token, `/api/billing/runs/${runId}`);
  return { threadId, runId, streamLength, ledger };
}

describe('GET /api/runs', () => {
  it('lists completed, stopped, failed and retried turns, newest first, as the stream and the ledger have them', async () => {
    const completed = await turn('Plain answer [[sim words=30 tps=0]]');
    const stopped = await turn('Go on and on [[sim words=2000 tps=60]]', { interrupt: true });
    const failed = await turn('Broken answer [[sim words=30 tps=0 fatal_at=5]]');
    const retried = await turn('Flaky answer [[sim words=30 tps=0 fail_at=9]]');

    const { runs, nextBefore } = await listRuns(users.alice.token);
    expect(nextBefore).toBeNull();
    expect(runs.map((run) => run.runId)).toEqual([retried.runId, failed.runId, stopped.runId, completed.runId]);
    const byId = new Map(runs.map((run) => [run.runId, run]));

    const expectations = [
      { turn: completed, status: 'completed', stopped: false, attempts: 1, outcome: 'completed' },
      { turn: stopped, status: 'completed', stopped: true, attempts: 1, outcome: 'aborted' },
      { turn: failed, status: 'failed', stopped: false, attempts: 4, outcome: 'failed' },
      { turn: retried, status: 'completed', stopped: false, attempts: 2, outcome: 'completed' },
    ];
    for (const expected of expectations) {
      const run = byId.get(expected.turn.runId)!;
      const { ledger } = expected.turn;
      expect(run).toMatchObject({ threadId: expected.turn.threadId, status: expected.status, stopped: expected.stopped, attempts: expected.attempts });
      expect(run.chunks).toBe(expected.turn.streamLength);
      expect(run.charge).toEqual({
        outcome: expected.outcome,
        modelId: ledger.charge.modelId,
        inputTokens: ledger.charge.inputTokens,
        outputTokens: ledger.charge.outputTokens,
        costMicros: ledger.charge.costMicros,
      });
      expect(ledger.attempts).toHaveLength(expected.attempts);
      expect(run.endedAt).not.toBeNull();
      expect(run.durationMs).toBe(Date.parse(run.endedAt!) - Date.parse(run.startedAt));
      expect(run.threadTitle).toBe((await getThread(fixture.server.url, users.alice.token, expected.turn.threadId)).title);
    }
    expect(byId.get(completed.runId)!.charge!.outputTokens).toBe(30);
    expect(byId.get(completed.runId)!.charge!.costMicros).toBeGreaterThan(0);
    expect(byId.get(stopped.runId)!.stopRequestedAt).toEqual(expect.any(String));
    expect(byId.get(failed.runId)!.charge!.costMicros).toBe(0);
  });

  it('shows a run that is still answering as running, with the chunks written so far and no charge yet', async () => {
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Keep going [[sim words=2000 tps=50]]');
    const runId = runIdOf(response);
    const head = await readChunks(response, 10);
    const [live] = (await listRuns(users.alice.token, '?limit=1')).runs;
    expect(live).toMatchObject({ runId, status: 'running', stopped: false, endedAt: null, charge: null });
    expect(live!.chunks).toBeGreaterThanOrEqual(head.length);

    await stop(users.alice.token, runId);
    await waitForRunEnd(fixture.server.url, users.alice.token, runId);
    const replay = await readChunks(await getStream(fixture.server.url, users.alice.token, runId, 0));
    const [ended] = (await listRuns(users.alice.token, '?limit=1')).runs;
    expect(ended).toMatchObject({ runId, status: 'completed', stopped: true, chunks: replay.length });
    expect(ended!.chunks).toBeGreaterThan(live!.chunks);
  });

  it('counts the stream of a run that ended before lengths were recorded, once', async () => {
    const { runId, streamLength } = await turn('From an older release [[sim words=12 tps=0]]');
    const recorded = async () => (await queryAppDatabase(fixture.server, 'select stream_chunks from chat_runs where run_id = ?', [runId]))[0]?.stream_chunks;
    expect(Number(await recorded())).toBe(streamLength);
    await queryAppDatabase(fixture.server, 'update chat_runs set stream_chunks = null where run_id = ?', [runId]);
    expect(await recorded()).toBeNull();

    const [listed] = (await listRuns(users.alice.token, '?limit=1')).runs;
    expect(listed).toMatchObject({ runId, chunks: streamLength });
    expect(Number(await recorded())).toBe(streamLength);
  });

  it("never shows another user's runs", async () => {
    const alices = await listRuns(users.alice.token);
    expect(alices.runs.length).toBeGreaterThan(0);
    expect((await listRuns(users.bob.token)).runs).toEqual([]);
    const { status, body } = await getJson(fixture.server.url, users.bob.token, `/api/runs?before=${alices.runs[0]!.runId}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request:before');
  });

  it.each([['?limit=0'], ['?limit=201'], ['?limit=abc'], ['?limit=2.5'], ['?limit='], ['?before=not-a-run'], [`?before=wrun_${'x'.repeat(60)}`]])('answers 400 to %s', async (query) => {
    const { status, body } = await getJson(fixture.server.url, users.alice.token, `/api/runs${query}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('bad_request:query');
  });

  it('answers 401 without a session', async () => {
    const response = await fetch(`${fixture.server.url}/api/runs`);
    expect(response.status).toBe(401);
  });

  it('lists 50 runs and pages through them with before', { timeout: 240_000 }, async () => {
    const carol = await createSession(fixture.server.url);
    const started: string[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const runIds = await Promise.all(
        Array.from({ length: 5 }, async () => {
          const response = await postChat(fixture.server.url, carol.token, randomUUID(), 'Short [[sim words=3 tps=0]]');
          const runId = runIdOf(response);
          await readChunks(response);
          return runId;
        }),
      );
      started.push(...runIds);
    }
    for (const runId of started) await waitForRunEnd(fixture.server.url, carol.token, runId);

    const timings: number[] = [];
    let first: RunSummary[] = [];
    for (let round = 0; round < 5; round++) {
      const startedAt = performance.now();
      first = (await listRuns(carol.token)).runs;
      timings.push(performance.now() - startedAt);
    }
    console.log(`GET /api/runs with 50 runs: ${timings.map((ms) => ms.toFixed(0)).join(', ')} ms`);
    expect(first).toHaveLength(50);
    expect(new Set(first.map((run) => run.runId))).toEqual(new Set(started));
    expect(first.every((run) => run.status === 'completed' && run.chunks > 0 && run.attempts === 1)).toBe(true);

    const paged: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page: RunPage = await listRuns(carol.token, `?limit=20${before ? `&before=${before}` : ''}`);
      paged.push(...page.runs.map((run) => run.runId));
      before = page.nextBefore;
      pages++;
    } while (before && pages < 5);
    expect(paged).toEqual(first.map((run) => run.runId));
    expect(pages).toBe(3);
  });
});
