import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestServer } from './server';

/** Files under the local world's directory that belong to the run (named by its run or stream id). */
async function localWorldFiles(dataDir: string, runId: string): Promise<string[]> {
  const streamId = runId.replace('wrun_', 'strm_');
  const entries = await readdir(path.join(dataDir, 'workflow'), { recursive: true }).catch(() => []);
  return entries.filter((entry) => entry.includes(runId) || entry.includes(streamId));
}

const worldTables = ['workflow_stream_chunks', 'workflow_events', 'workflow_steps', 'workflow_hooks', 'workflow_waits'];

/** Rows of the Postgres world's tables that belong to the run, by table. */
async function postgresWorldRows(databaseUrl: string, runId: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows: Record<string, number> = {};
    for (const table of worldTables) {
      rows[table] = Number((await client.query(`select count(*) from workflow.${table} where run_id = $1`, [runId])).rows[0].count);
    }
    rows.workflow_runs = Number((await client.query('select count(*) from workflow.workflow_runs where id = $1', [runId])).rows[0].count);
    return rows;
  } finally {
    await client.end();
  }
}

/** How much of the run the workflow world still holds: files (local world) or rows (Postgres world). */
export async function worldDataOf(server: Pick<TestServer, 'dataDir' | 'databaseUrl'>, runId: string): Promise<number> {
  if (server.databaseUrl) return Object.values(await postgresWorldRows(server.databaseUrl, runId)).reduce((sum, count) => sum + count, 0);
  return (await localWorldFiles(server.dataDir, runId)).length;
}

/** Stream chunks the world holds for the run (chunk files or chunk rows). */
export async function streamChunksOf(server: Pick<TestServer, 'dataDir' | 'databaseUrl'>, runId: string): Promise<number> {
  if (server.databaseUrl) return (await postgresWorldRows(server.databaseUrl, runId)).workflow_stream_chunks ?? 0;
  return (await localWorldFiles(server.dataDir, runId)).filter((file) => file.startsWith(path.join('streams', 'chunks', ''))).length;
}
