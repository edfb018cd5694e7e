import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateUIStream } from '@/lib/stream/validate-stream';
import { createSession, getJson, getStream, postChat, readChunks, runIdOf, waitForRunEnd } from '../support/chat-client';
import { createTestDatabase, dropTestDatabase, testsUsePostgres } from '../support/postgres';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';

/** The recovery watchdog (lib/recovery/watchdog.ts): runs no live process works on are resumed or ended. */
const servers: TestServer[] = [];
let databaseUrl: string | undefined;

afterAll(async () => {
  for (const server of servers) await server.stop();
  for (const server of servers) expectNoStreamViolations(server.output());
  for (const dataDir of new Set(servers.map((server) => server.dataDir))) await removeDataDir(dataDir);
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

describe.skipIf(testsUsePostgres)('watchdog on the embedded default', () => {
  it('ends a run the world gave up on without its closing step: error, finish, charge settled', { timeout: 120_000 }, async () => {
    let server = await startServer();
    servers.push(server);
    const session = await createSession(server.url);
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, 'Cut short [[sim words=200 tps=20]]');
    const runId = runIdOf(response);
    const before = await readChunks(response, 5);
    await server.crash();
    // While it is down the world's record of the run says it failed, as when the runtime fails a
    // run past its delivery limit: no step will run again, so nothing would ever end the stream.
    const runFile = path.join(server.dataDir, 'workflow', 'runs', `${runId}.json`);
    const record = JSON.parse(await readFile(runFile, 'utf8'));
    await writeFile(runFile, JSON.stringify({ ...record, status: 'failed', error: { message: 'delivery limit' }, completedAt: new Date().toISOString() }));
    server = await startServer({ dataDir: server.dataDir, port: server.port });
    servers.push(server);
    const restartedAt = Date.now();

    const after = await readChunks(await getStream(server.url, session.token, runId, before.length));
    console.log(`restarted instance healthy to the abandoned run's finish: ${Date.now() - restartedAt} ms`);
    expect(after.slice(-2).map((chunk) => chunk.type)).toEqual(['error', 'finish']);
    const replay = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(validateUIStream(replay)).toEqual([]);
    const { body: ledger } = await getJson(server.url, session.token, `/api/billing/runs/${runId}`);
    expect(ledger.charge).toMatchObject({ outcome: 'failed', outputTokens: 0 });
    expect(server.output()).toContain('run abandoned');
  });
});

describe.skipIf(!testsUsePostgres)('watchdog on PostgreSQL', () => {
  it('resumes on the surviving instance the runs a SIGKILLed instance held, without restarting it', { timeout: 180_000 }, async () => {
    databaseUrl = await createTestDatabase();
    const [a, b] = await Promise.all([startServer({ databaseUrl }), startServer({ databaseUrl })]);
    servers.push(a!, b!);
    const session = await createSession(a!.url);
    // Enough slow turns that the killed instance is all but certain to hold some of their steps.
    const runs = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const response = await postChat(a!.url, session.token, randomUUID(), 'Held by a dying instance [[sim words=160 tps=20]]');
        const runId = runIdOf(response);
        return { runId, before: await readChunks(response, 5) };
      }),
    );
    const crashedAt = Date.now();
    await a!.crash();

    // From the crash to the first chunk written after it, for each run.
    const delays = await Promise.all(
      runs.map(async ({ runId }) => {
        const probe = await getStream(b!.url, session.token, runId, 0);
        const tail = Number(probe.headers.get('x-workflow-stream-tail-index'));
        await probe.body?.cancel();
        await readChunks(await getStream(b!.url, session.token, runId, tail + 1), 1);
        return Date.now() - crashedAt;
      }),
    );
    for (const { runId, before } of runs) {
      expect(await waitForRunEnd(b!.url, session.token, runId, 60_000)).toBe('completed');
      const rest = await readChunks(await getStream(b!.url, session.token, runId, before.length));
      expect(rest.at(-1)?.type).toBe('finish');
    }
    const resumed = runs.filter(({ runId }) =>
      b!
        .output()
        .split('\n')
        .some((line) => line.includes(runId) && line.includes('resuming stalled run')),
    );
    console.log(`watchdog resumed ${resumed.length} of ${runs.length} runs; crash to next chunk (all runs, ms): ${delays.sort((x, y) => x - y).join(', ')}`);
    expect(resumed.length).toBeGreaterThan(0);
  });
});
