import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, getJson, postChatWith, runIdOf, type Session, stopRun, userMessage, waitForRunEnd } from '../support/chat-client';
import { testsUsePostgres } from '../support/postgres';
import { redisAnswers } from '../support/redis';
import { removeDataDir, startServer, type TestServer } from '../support/server';

interface Outcome {
  status: number;
  retryAfter: number | null;
  code: string | undefined;
  threadId: string;
  messageId: string;
  runId: string | undefined;
  /** The instance that took the request (an embedded instance only knows its own runs). */
  baseUrl: string;
}

/** Starts a turn (or sends `again`'s message once more) and reads the run id or the rejection. */
async function send(baseUrl: string, session: Session, text: string, again?: Outcome): Promise<Outcome> {
  const threadId = again?.threadId ?? randomUUID();
  const message = userMessage(text, again?.messageId);
  const response = await postChatWith(baseUrl, session.token, { id: threadId, messages: [message] });
  const sent = { threadId, messageId: message.id, baseUrl };
  if (response.ok) {
    const runId = runIdOf(response);
    await response.body?.cancel();
    return { ...sent, status: response.status, retryAfter: null, code: undefined, runId };
  }
  expect(response.headers.get('content-type')).toContain('application/json');
  const body = await response.json();
  const header = response.headers.get('retry-after');
  return { ...sent, status: response.status, retryAfter: header === null ? null : Number(header), code: body.error?.code, runId: undefined };
}

const statuses = (outcomes: Outcome[]) => outcomes.map((outcome) => outcome.status).sort();

async function threadIds(baseUrl: string, session: Session): Promise<string[]> {
  const { body } = await getJson(baseUrl, session.token, '/api/threads');
  return body.threads.map((thread: { id: string }) => thread.id).sort();
}

async function waitForAll(session: Session, outcomes: Outcome[]): Promise<void> {
  for (const { runId, baseUrl } of outcomes) if (runId) await waitForRunEnd(baseUrl, session.token, runId);
}

const quick = 'Hi [[sim words=3 tps=0]]';
const slow = 'Take your time [[sim words=2000 tps=50]]';
// Long enough that the burst, its checks and the next request fit in one window on a loaded machine.
const windowSeconds = 30;

describe('runs per window', () => {
  const servers: TestServer[] = [];
  // The limit is per user, whichever instance a request reaches: on PostgreSQL a second
  // instance on the same database shares the counters.
  const env = { RATE_LIMIT_RUNS: '5', RATE_LIMIT_WINDOW_SECONDS: String(windowSeconds), AUTH_SECRET: randomBytes(32).toString('hex') };
  beforeAll(async () => {
    const first = await startServer({ env });
    servers.push(first);
    if (testsUsePostgres) servers.push(await startServer({ env, databaseUrl: first.databaseUrl }));
  });
  afterAll(async () => {
    for (const server of servers) await server.stop();
    // The first installation's database goes with it; the second only shared it.
    for (const server of servers) await removeDataDir(server.dataDir);
  });

  it('hold under a burst from several clients, per user, and reset after the window', async () => {
    const urls = servers.map((server) => server.url);
    const alice = await createSession(urls[0] ?? '');
    const bob = await createSession(urls[0] ?? '');
    // Three clients of alice's, four requests each, all at once, spread over the instances.
    const burst = Array.from({ length: 12 }, (_, index) => send(urls[index % urls.length] ?? '', alice, quick));
    const bobs = Array.from({ length: 5 }, (_, index) => send(urls[index % urls.length] ?? '', bob, quick));
    const [aliceOutcomes, bobOutcomes] = await Promise.all([Promise.all(burst), Promise.all(bobs)]);

    expect(statuses(aliceOutcomes)).toEqual([...Array(5).fill(200), ...Array(7).fill(429)]);
    expect(statuses(bobOutcomes)).toEqual(Array(5).fill(200));
    const rejected = aliceOutcomes.filter((outcome) => outcome.status === 429);
    for (const outcome of rejected) {
      expect(outcome.code).toBe('rate_limited:runs');
      expect(outcome.retryAfter).toBeGreaterThanOrEqual(1);
      expect(outcome.retryAfter).toBeLessThanOrEqual(windowSeconds);
    }
    // A rejected turn leaves nothing behind: only the admitted ones made threads.
    const admitted = aliceOutcomes.filter((outcome) => outcome.status === 200);
    expect(await threadIds(urls[0] ?? '', alice)).toEqual(admitted.map((outcome) => outcome.threadId).sort());

    expect((await send(urls[0] ?? '', alice, quick)).status).toBe(429);
    // A message sent again (its response was lost, say) is the turn it started, not a new one.
    const first = admitted[0] as Outcome;
    expect(await send(urls.at(-1) ?? '', alice, quick, first)).toMatchObject({ status: 200, runId: first.runId });
    await sleep(Math.max(...rejected.map((outcome) => outcome.retryAfter ?? 0)) * 1000 + 100);
    const after = await send(urls.at(-1) ?? '', alice, quick);
    expect(after.status).toBe(200);
    await waitForAll(alice, [...admitted, after]);
    await waitForAll(bob, bobOutcomes);
  });
});

describe('runs answering at once', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { RATE_LIMIT_ACTIVE_RUNS: '2' } });
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeDataDir(server.dataDir);
  });

  it('admits exactly the limit from a concurrent burst, and admits again once one ends', async () => {
    const alice = await createSession(server.url);
    const bob = await createSession(server.url);
    const burst = await Promise.all(Array.from({ length: 6 }, () => send(server.url, alice, slow)));
    expect(statuses(burst)).toEqual([200, 200, 429, 429, 429, 429]);
    for (const outcome of burst.filter((item) => item.status === 429)) {
      expect(outcome).toMatchObject({ code: 'rate_limited:active_runs', retryAfter: 2 });
    }
    expect((await send(server.url, bob, quick)).status).toBe(200);

    const [first, second] = burst.filter((outcome) => outcome.runId);
    const stop = await stopRun(server.url, alice.token, first?.runId ?? '');
    expect(stop.status).toBe(202);
    await waitForRunEnd(server.url, alice.token, first?.runId ?? '');
    const next = await send(server.url, alice, quick);
    expect(next.status).toBe(200);
    await stopRun(server.url, alice.token, second?.runId ?? '');
    await waitForAll(alice, [second as Outcome, next]);
  });
});

describe.skipIf(testsUsePostgres || !(await redisAnswers('redis://127.0.0.1:6379')))('the Redis store', () => {
  const servers: TestServer[] = [];
  const env = { RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_RUNS: '3', RATE_LIMIT_WINDOW_SECONDS: '30', AUTH_SECRET: randomBytes(32).toString('hex') };
  beforeAll(async () => {
    servers.push(await startServer({ env }), await startServer({ env }));
  });
  afterAll(async () => {
    for (const server of servers) {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
  });

  it('shares one count between two embedded instances', async () => {
    const [a, b] = servers.map((server) => server.url);
    const alice = await createSession(a ?? '');
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, index) => send((index % 2 === 0 ? a : b) ?? '', alice, quick)));
    expect(statuses(outcomes)).toEqual([200, 200, 200, 429, 429, 429]);
    await waitForAll(alice, outcomes);
  });
});

describe.skipIf(testsUsePostgres)('a shared store that is down', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    server = await startServer({ env: { RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_RUNS: '2', RATE_LIMIT_WINDOW_SECONDS: '30' } });
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeDataDir(server.dataDir);
  });

  it('does not fail turns: the process counts them itself until it is back', async () => {
    const alice = await createSession(server.url);
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => send(server.url, alice, quick)));
    expect(statuses(outcomes)).toEqual([200, 200, 429, 429]);
    await waitForAll(alice, outcomes);
  });
});
