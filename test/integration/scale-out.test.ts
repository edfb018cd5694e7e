import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, createSession, getJson, getStream, getThread, postChat, readChunks, readUntil, runIdOf, type Session, waitForRunEnd } from '../support/chat-client';
import { createTestDatabase, dropTestDatabase, runDbSetup, testsUsePostgres } from '../support/postgres';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';
import { comparableParts, expectToolTurnRecordedOnce, toolTurnPrompt } from '../support/tool-turns';

/** Two app instances on one PostgreSQL database (runs only when the suites run on PostgreSQL). */
describe.skipIf(!testsUsePostgres)('two instances on one PostgreSQL database', () => {
  let databaseUrl: string;
  let a: TestServer;
  let b: TestServer;
  let session: Session;
  const outputs: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await Promise.all([startServer({ databaseUrl }), startServer({ databaseUrl })]);
    session = await createSession(a.url);
  });

  afterAll(async () => {
    const servers = [a, b].filter(Boolean);
    await Promise.all(servers.map((server) => server.stop()));
    for (const server of servers) {
      outputs.push(server.output());
      await removeDataDir(server.dataDir);
    }
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    for (const output of outputs) expectNoStreamViolations(output);
  });

  it('reports the Postgres world, database and queue in its health check', async () => {
    const health = await (await fetch(`${b.url}/api/health`)).json();
    expect(health).toMatchObject({ status: 'ok', world: 'postgres', database: { kind: 'postgres', ok: true }, queue: { kind: 'graphile-worker', ok: true } });
  });

  it('resumes through instance B a turn started on instance A, mid-stream, with nothing lost or doubled', async () => {
    const threadId = randomUUID();
    const response = await postChat(a.url, session.token, threadId, 'Across instances [[sim words=120 tps=60]]');
    const runId = runIdOf(response);
    const onA = await readChunks(response, 20);
    const onB = await readChunks(await getStream(b.url, session.token, runId, onA.length));
    expect(await waitForRunEnd(b.url, session.token, runId)).toBe('completed');
    const replay = await readChunks(await getStream(b.url, session.token, runId, 0));
    expect([...onA, ...onB]).toEqual(replay);
    expect(validateUIStream(replay)).toEqual([]);
    const thread = await getThread(b.url, session.token, threadId);
    expect(comparableParts(thread.messages[1])).toEqual(comparableParts(await assemble(replay)));
  });

  it('completes a tool turn whose instance was SIGKILLed, once restarted, exactly once', { timeout: 120_000 }, async () => {
    const threadId = randomUUID();
    const response = await postChat(a.url, session.token, threadId, toolTurnPrompt({ words: 30, tps: 40 }));
    const runId = runIdOf(response);
    const beforeCrash = await readUntil(response, (seen) => seen.at(-1)?.type === 'tool-output-available');
    await a.crash();
    outputs.push(a.output());
    a = await startServer({ dataDir: a.dataDir, databaseUrl });

    const afterCrash = await readChunks(await getStream(b.url, session.token, runId, beforeCrash.length));
    expect(await waitForRunEnd(b.url, session.token, runId, 90_000)).toBe('completed');
    // A late reader gets what the client lived through, without the attempt the crash abandoned.
    const replay = await readChunks(await getStream(b.url, session.token, runId, 0));
    expect(replay).toEqual(finishedStreamReplay([...beforeCrash, ...afterCrash], 0).chunks);
    expect(validateUIStream(replay)).toEqual([]);
    const shown = comparableParts(await assemble(replay));
    await expectToolTurnRecordedOnce(b, session.token, { threadId, runId, shown });
  });

  it('lets db:setup run again on the live database: idempotent, nothing lost, both instances keep serving', async () => {
    const threadId = randomUUID();
    const response = await postChat(a.url, session.token, threadId, 'Before the redeploy [[sim words=10 tps=0]]');
    const runId = runIdOf(response);
    await readChunks(response);
    expect(await waitForRunEnd(a.url, session.token, runId)).toBe('completed');
    const before = await getThread(b.url, session.token, threadId);
    await runDbSetup(databaseUrl);
    expect(await getThread(a.url, session.token, threadId)).toEqual(before);
    const after = await postChat(b.url, session.token, threadId, 'After the redeploy [[sim words=10 tps=0]]');
    expect((await readChunks(after)).at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    const { body } = await getJson(b.url, session.token, `/api/billing/runs/${runId}`);
    expect(body.charge).toMatchObject({ outcome: 'completed', outputTokens: 10 });
  });

  it('completes 100 concurrent turns spread over both instances; every stream ends', { timeout: 180_000 }, async () => {
    const turns = await Promise.all(
      Array.from({ length: 100 }, async (_, index) => {
        const server = index % 2 === 0 ? a : b;
        const response = await postChat(server.url, session.token, randomUUID(), `Turn ${index} [[sim words=20 tps=50]]`);
        const runId = runIdOf(response);
        return { runId, chunks: await readChunks(response) };
      }),
    );
    for (const { chunks } of turns) expect(chunks.at(-1)).toMatchObject({ type: 'finish', finishReason: 'stop' });
    const ledgers = await Promise.all(turns.map(({ runId }) => getJson(a.url, session.token, `/api/billing/runs/${runId}`)));
    for (const { body } of ledgers) expect(body.charge).toMatchObject({ outcome: 'completed', outputTokens: 20 });
  });
});
