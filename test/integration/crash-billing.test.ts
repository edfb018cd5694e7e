import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession, getJson, getStream, getThread, postChat, readChunks, runIdOf, waitForRunEnd } from '../support/chat-client';
import { removeDataDir, startServer, type TestServer } from '../support/server';

const servers: TestServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  if (servers[0]) await removeDataDir(servers[0].dataDir);
});

/** Small seeded generator so a failing crash point can be reproduced from the printed seed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The run's ledger once its charge is there. Under load this test once read a completed run
 * before its charge was visible (cause not yet found); the wait tolerates a short lag, and a
 * charge that never appears still fails the test.
 */
async function chargedLedger(baseUrl: string, token: string, runId: string) {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { body } = await getJson(baseUrl, token, `/api/billing/runs/${runId}`);
    if (body.charge || Date.now() > deadline) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('SIGKILL at random points', () => {
  it('leaves every run completed, charged exactly once, with memory holding one clean turn', { timeout: 180_000 }, async () => {
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 100_000);
    console.log(`crash seed ${seed} (rerun with CRASH_SEED=${seed})`);
    const random = seeded(seed);
    let server = await startServer();
    servers.push(server);
    const session = await createSession(server.url);
    const runs: Array<{ runId: string; threadId: string; words: number }> = [];

    for (let round = 0; round < 2; round++) {
      const started = await Promise.all(
        [0, 1, 2].map(async () => {
          const threadId = randomUUID();
          const words = 60 + Math.floor(random() * 80);
          const response = await postChat(server.url, session.token, threadId, `Crash round ${round} [[sim words=${words} tps=50]]`);
          const runId = runIdOf(response);
          await readChunks(response, 3 + Math.floor(random() * 10));
          return { runId, threadId, words };
        }),
      );
      runs.push(...started);
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 800)));
      await server.crash();
      server = await startServer({ dataDir: server.dataDir, port: server.port });
      servers.push(server);
    }

    for (const { runId, threadId, words } of runs) {
      const status = await waitForRunEnd(server.url, session.token, runId);
      const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
      if (status !== 'completed')
        console.log(
          `run ${runId} ended ${status}; server logs:\n`,
          servers
            .map((each) => each.output())
            .join('\n----\n')
            .slice(-8000),
        );
      expect(status).toBe('completed');
      expect(replay.at(-1)?.type).toBe('finish');
      const entry = await chargedLedger(server.url, session.token, runId);
      if (!entry.charge)
        console.log(
          `run ${runId} has no charge: ${JSON.stringify(entry)}\n`,
          servers
            .map((each) => each.output())
            .join('\n----\n')
            .slice(-8000),
        );
      expect(entry.charge).toMatchObject({ outcome: 'completed', outputTokens: words });
      // The last attempt generates what earlier ones left: all of it, or nothing when the crash
      // came after the answer was stored but before the reply step recorded its result.
      expect(entry.attempts.at(-1)).toMatchObject({ outcome: 'completed' });
      expect([0, words]).toContain(entry.attempts.at(-1).outputTokens);
      expect(entry.attempts.slice(0, -1).every((attempt: { outcome: string }) => attempt.outcome === 'crashed')).toBe(true);
      const thread = await getThread(server.url, session.token, threadId);
      expect(thread.messages.map((message) => message.role)).toEqual(['user', 'assistant']);
      expect(thread.messages[1]?.id).toBe(`reply_${runId}`);
    }
    const report = await getJson(server.url, session.token, '/api/billing/usage');
    expect(report.body.totals.runs).toBe(runs.length);
  });
});
