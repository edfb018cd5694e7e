/**
 * What a turn leaves on disk, before and after pruning: `npx tsx bench/retention-growth.ts`
 * (BENCH_GROWTH_TURNS, default 300). Runs the turns on a server that keeps everything, measures
 * the workflow world (local: files and bytes under DATA_DIR/workflow; Postgres: rows and bytes
 * of the `workflow` schema) and what stays (memory and app tables), then restarts the same
 * installation with a one-second retention, waits for the pruner, and measures again.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { createSession, postChat, readChunks } from '../test/support/chat-client';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../test/support/postgres';
import { removeDataDir, startServer, type TestServer } from '../test/support/server';

const turns = Number(process.env.BENCH_GROWTH_TURNS ?? 300);
const fastModel = { SIM_TOKENS_PER_SEC: '0', DEBUG_VALIDATE_STREAMS: '0' };

interface Footprint {
  workflow: { items: number; bytes: number };
  kept: { items: number; bytes: number };
}

async function walk(dir: string): Promise<{ items: number; bytes: number }> {
  let items = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (!entry.isFile()) continue;
    items++;
    bytes += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { items, bytes };
}

async function localFootprint(server: TestServer): Promise<Footprint> {
  const sizeOf = async (file: string) => (await stat(path.join(server.dataDir, file)).catch(() => ({ size: 0 }))).size;
  const kept = (await sizeOf('memory.db')) + (await sizeOf('memory.db-wal')) + (await sizeOf('app.db')) + (await sizeOf('app.db-wal'));
  return { workflow: await walk(path.join(server.dataDir, 'workflow')), kept: { items: 0, bytes: kept } };
}

async function postgresFootprint(databaseUrl: string): Promise<Footprint> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('vacuum full');
    const schemaSize = async (schema: string) => {
      const { rows } = await client.query(
        `select coalesce(sum(n_live_tup), 0)::bigint as rows, coalesce(sum(pg_total_relation_size(relid)), 0)::bigint as bytes from pg_stat_user_tables where schemaname = $1`,
        [schema],
      );
      return { items: Number(rows[0].rows), bytes: Number(rows[0].bytes) };
    };
    await client.query('analyze');
    return { workflow: await schemaSize('workflow'), kept: await schemaSize('public') };
  } finally {
    await client.end();
  }
}

async function runTurns(server: TestServer): Promise<void> {
  const session = await createSession(server.url);
  for (let batch = 0; batch < turns; batch += 4) {
    await Promise.all(
      Array.from({ length: Math.min(4, turns - batch) }, async (_, index) => {
        const response = await postChat(server.url, session.token, crypto.randomUUID(), `Growth turn ${batch + index} [[sim words=200 tps=0]]`);
        await readChunks(response);
      }),
    );
  }
}

async function measure(databaseUrl: string | undefined): Promise<{ before: Footprint; after: Footprint }> {
  const keepAll = await startServer({ databaseUrl: databaseUrl ?? '', env: fastModel });
  await runTurns(keepAll);
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await keepAll.stop();
  const footprint = () => (databaseUrl ? postgresFootprint(databaseUrl) : localFootprint(keepAll));
  const before = await footprint();
  const pruning = await startServer({ dataDir: keepAll.dataDir, databaseUrl: databaseUrl ?? '', env: { ...fastModel, RUN_RETENTION_HOURS: '0.0003' } });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && (pruning.output().match(/"run pruned"/g) ?? []).length < turns) await new Promise((resolve) => setTimeout(resolve, 500));
  await pruning.stop();
  const after = await footprint();
  await removeDataDir(keepAll.dataDir);
  return { before, after };
}

const perThousand = (value: number) => Math.round((value * 1000) / turns);
function report(label: string, { before, after }: { before: Footprint; after: Footprint }, unit: string) {
  console.log(`${label} (${turns} turns, scaled to 1,000):`);
  console.log(`  workflow before pruning: ${perThousand(before.workflow.items)} ${unit}, ${perThousand(before.workflow.bytes)} bytes`);
  console.log(`  workflow after pruning:  ${perThousand(after.workflow.items)} ${unit}, ${perThousand(after.workflow.bytes)} bytes`);
  console.log(`  kept (memory + app tables) before/after: ${perThousand(before.kept.bytes)} / ${perThousand(after.kept.bytes)} bytes, ${perThousand(after.kept.items)} rows`);
}

report('local world', await measure(undefined), 'files');
if (await postgresAvailable()) {
  const databaseUrl = await createTestDatabase();
  try {
    report('Postgres world', await measure(databaseUrl), 'rows');
  } finally {
    await dropTestDatabase(databaseUrl);
  }
}
