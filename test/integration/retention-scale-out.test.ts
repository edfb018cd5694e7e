import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, postChat, readChunks, runIdOf, type Session, waitForRunEnd } from '../support/chat-client';
import { createTestDatabase, dropTestDatabase, testsUsePostgres } from '../support/postgres';
import { removeDataDir, startServer, type TestServer } from '../support/server';
import { worldDataOf } from '../support/world-data';

// Runs may go 3.6 s after they end; each pass pauses a second per run between removing its data
// and marking it pruned, so a SIGKILL can land there.
const env = { RUN_RETENTION_HOURS: '0.001', DEBUG_PRUNE_PAUSE_MS: '1000' };

const prunedLines = (output: string, runId: string) => output.split('\n').filter((line) => line.includes('"run pruned"') && line.includes(runId)).length;

/** Two instances on one PostgreSQL database (runs only when the suites run on PostgreSQL). */
describe.skipIf(!testsUsePostgres)('retention with two instances on one PostgreSQL database', () => {
  let databaseUrl: string;
  let servers: TestServer[] = [];
  let session: Session;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    servers = await Promise.all([startServer({ databaseUrl, env }), startServer({ databaseUrl, env })]);
    session = await createSession(servers[0]!.url);
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    for (const server of servers) await removeDataDir(server.dataDir);
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('prunes each run exactly once, also when the pruning instance is SIGKILLed mid-pass', { timeout: 120_000 }, async () => {
    const runIds: string[] = [];
    for (const [index, server] of servers.entries()) {
      for (let turn = 0; turn < 2; turn++) {
        const response = await postChat(server.url, session.token, randomUUID(), `Turn ${turn} on ${index} [[sim words=20 tps=0]]`);
        runIds.push(runIdOf(response));
        await readChunks(response);
      }
    }
    for (const runId of runIds) await waitForRunEnd(servers[0]!.url, session.token, runId);

    // Whichever instance holds the lease starts removing; it dies before marking its first run.
    let victim: TestServer | undefined;
    const deadline = Date.now() + 30_000;
    while (!victim && Date.now() < deadline) {
      victim = servers.find((server) => server.output().includes('"run data removed"'));
      if (!victim) await sleep(20);
    }
    if (!victim) throw new Error('no instance started pruning');
    await victim.crash();
    const victimOutput = victim.output();
    const survivor = servers.find((server) => server !== victim)!;

    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const prunedCount = async () => Number((await client.query('select count(*) from chat_runs where run_id = any($1) and pruned_at is not null', [runIds])).rows[0].count);
    try {
      expect(await prunedCount()).toBeLessThan(runIds.length);
      // The survivor takes the lease over once the dead holder's expires, and finishes the job.
      await expect.poll(prunedCount, { timeout: 60_000, interval: 500 }).toBe(runIds.length);
    } finally {
      await client.end();
    }

    for (const runId of runIds) {
      expect(prunedLines(victimOutput, runId) + prunedLines(survivor.output(), runId)).toBe(1);
      expect(await worldDataOf(survivor, runId)).toBe(0);
    }
    expect(survivor.output()).not.toContain('prune pass failed');
  });
});
