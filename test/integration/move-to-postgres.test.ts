import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSession, getJson, getStream, postChat, readChunks, runIdOf } from '../support/chat-client';
import { createTestDatabase, dropTestDatabase, postgresAvailable, testsUsePostgres } from '../support/postgres';
import { removeDataDir, startServer, type TestServer } from '../support/server';
import { queryAppDatabase, toolTurnPrompt } from '../support/tool-turns';

const projectRoot = path.resolve(import.meta.dirname, '../..');

function moveToPostgres(dataDir: string, databaseUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/move-to-postgres.ts'], {
      cwd: projectRoot,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: databaseUrl, WORKFLOW_LOCAL_DATA_DIR: '', WORKFLOW_TARGET_WORLD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`move failed (${code}):\n${output}`))));
  });
}

const ledgerQueries = {
  charges: 'select * from billing_charges where user_id = ? order by run_id',
  attempts: 'select a.* from billing_attempts a join chat_runs r on r.run_id = a.run_id where r.user_id = ? order by a.run_id, a.attempt',
  steps: 'select s.* from billing_steps s join chat_runs r on r.run_id = s.run_id where r.user_id = ? order by s.run_id, s.step_index, s.attempt',
  notes: 'select * from notes where user_id = ? order by note_id',
};

// Both databases answer numbers their own way (SQLite integers, PostgreSQL BIGINT as text).
const normalized = (rows: Array<Record<string, unknown>>) =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' || (typeof value === 'string' && /^\d+$/.test(value)) ? Number(value) : value])));

async function snapshot(server: TestServer, token: string, userId: string, threadIds: string[]) {
  const get = async (route: string) => (await getJson(server.url, token, route)).body;
  const ledger: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(ledgerQueries)) ledger[name] = normalized(await queryAppDatabase(server, query, [userId]));
  return {
    threads: await get('/api/threads'),
    views: await Promise.all(threadIds.map((threadId) => get(`/api/threads/${threadId}`))),
    runs: await get('/api/runs'),
    usage: await get('/api/billing/usage'),
    ledger,
  };
}

// Runs once, in the embedded pass, when a PostgreSQL server answers.
describe.skipIf(testsUsePostgres || !(await postgresAvailable()))('moving an embedded installation to PostgreSQL', () => {
  it('keeps threads, runs, the ledger and notes equal, and the same session', { timeout: 180_000 }, async () => {
    const embedded = await startServer({ databaseUrl: '' });
    let moved: TestServer | undefined;
    let databaseUrl: string | undefined;
    try {
      const session = await createSession(embedded.url);
      const [first, second] = [randomUUID(), randomUUID()];
      const threadIds = [first, second];
      const runIds: string[] = [];
      const turns: Array<[string, string]> = [
        [first, 'Hello [[sim words=30 tps=0]]'],
        [first, toolTurnPrompt()],
        [second, 'Another thread [[sim words=20 tps=0]]'],
      ];
      for (const [threadId, text] of turns) {
        const response = await postChat(embedded.url, session.token, threadId, text);
        runIds.push(runIdOf(response));
        await readChunks(response);
      }
      const before = await snapshot(embedded, session.token, session.userId, threadIds);
      expect(before.ledger.notes).toHaveLength(1);
      await embedded.stop();

      databaseUrl = await createTestDatabase();
      await moveToPostgres(embedded.dataDir, databaseUrl);
      // The move only reads the embedded installation: it still works as it did if the move is abandoned.
      const [prunedInSource] = await queryAppDatabase(embedded, 'select count(*) as n from chat_runs where pruned_at is not null', []);
      expect(Number(prunedInSource?.n)).toBe(0);
      moved = await startServer({ dataDir: embedded.dataDir, databaseUrl });
      const after = await snapshot(moved, session.token, session.userId, threadIds);
      expect(after).toEqual(before);
      // The streams stayed behind in the embedded files: like pruned runs, they are gone.
      expect((await getStream(moved.url, session.token, runIds[0] ?? '', 0)).status).toBe(410);
      // A new turn on the moved installation works.
      const next = await postChat(moved.url, session.token, first, 'After the move [[sim words=10 tps=0]]');
      expect(next.status).toBe(200);
      expect((await readChunks(next)).at(-1)?.type).toBe('finish');
      // A second move into the same database is refused.
      await expect(moveToPostgres(embedded.dataDir, databaseUrl)).rejects.toThrow(/already holds runs/);
    } finally {
      await moved?.stop();
      await embedded.stop();
      await removeDataDir(embedded.dataDir);
      if (databaseUrl) await dropTestDatabase(databaseUrl);
    }
  });
});
