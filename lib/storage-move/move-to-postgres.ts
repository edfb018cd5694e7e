import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { createMastraStorage } from '../../mastra/storage';
import type { AppConfig } from '../config';
import { type AppDatabase, openDatabase } from '../db/database';
import { defaultPoolSize, poolBudget } from '../db/pool-budget';
import { localRunFacts, localStreamLength } from '../retention/local-world-data';
import { markPruned, type RecordedRunFacts, recordRunFacts } from '../retention/pruned-runs';
import { activeStatuses } from '../runs/world-run';

/** The app tables that move, in an order that keeps every reference valid. Leases and rate-limit windows are transient and stay behind. */
const movedTables = ['chat_runs', 'billing_charges', 'billing_attempts', 'billing_steps', 'tool_calls', 'notes', 'message_claims', 'session_revocations', 'app_secrets'] as const;
type MovedTable = (typeof movedTables)[number];

interface MoveReport {
  threads: number;
  messages: number;
  /** Rows moved, by app table. */
  rows: Partial<Record<MovedTable, number>>;
}

export class MoveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MoveRefusedError';
  }
}

const batchSize = 500;

/** Copies a table's rows exactly as they were read, a batch at a time (the source is SQLite: `rowid` orders it). */
async function copyTable(source: AppDatabase, target: AppDatabase, table: MovedTable): Promise<number> {
  let copied = 0;
  for (;;) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by rowid limit ${batchSize} offset ${copied}`.execute(source);
    if (rows.length === 0) return copied;
    const columns = Object.keys(rows[0] ?? {});
    const values = rows.map((row) => sql`(${sql.join(columns.map((column) => row[column]))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))}) values ${sql.join(values)}`.execute(target);
    copied += rows.length;
  }
}

interface SettledRun {
  runId: string;
  facts: RecordedRunFacts;
  streamChunks: number;
}

/**
 * What the runs page shows of each finished run, read from the local world's files, which do
 * not move: in the new installation the runs are pruned runs. Reads only; a run still answering
 * refuses the move.
 */
async function settledRuns(source: AppDatabase, worldDir: string): Promise<SettledRun[]> {
  const runs = await source.selectFrom('chat_runs').select(['run_id', 'stream_chunks']).where('pruned_at', 'is', null).execute();
  const settled: SettledRun[] = [];
  for (const run of runs) {
    const facts = await localRunFacts(worldDir, run.run_id);
    if (facts && activeStatuses.has(facts.status)) {
      throw new MoveRefusedError(`Run ${run.run_id} is still ${facts.status}: stop the server and let its runs end first`);
    }
    const streamChunks = run.stream_chunks ?? (await localStreamLength(worldDir, run.run_id));
    settled.push({ runId: run.run_id, facts: facts ?? { status: 'unknown', startedAt: null, endedAt: null }, streamChunks });
  }
  return settled;
}

/** The generated session secret moves too, so every session token stays valid. */
async function moveAuthSecret(dataDir: string, target: AppDatabase): Promise<void> {
  const secret = await readFile(path.join(dataDir, 'auth-secret'), 'utf8').catch(() => undefined);
  if (secret === undefined) return;
  await target
    .insertInto('app_secrets')
    .values({ name: 'auth-secret', value: secret.trim() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

type StorageSite = Pick<AppConfig, 'dataDir' | 'storage'>;

async function moveMemory(source: StorageSite, target: StorageSite): Promise<{ threads: number; messages: number }> {
  const [from, to] = [createMastraStorage(source), createMastraStorage(target)];
  try {
    await Promise.all([from.init(), to.init()]);
    const [fromMemory, toMemory] = await Promise.all([from.getStore('memory'), to.getStore('memory')]);
    if (!fromMemory || !toMemory) throw new Error('memory storage is not available');
    const { threads } = await fromMemory.listThreads({ perPage: false });
    let messages = 0;
    for (const thread of threads) {
      await toMemory.saveThread({ thread });
      const stored = await fromMemory.listMessages({ threadId: thread.id, perPage: false });
      if (stored.messages.length > 0) await toMemory.saveMessages({ messages: stored.messages });
      // Saving messages touches the thread's updatedAt, which orders the thread list: put it back.
      await toMemory.saveThread({ thread });
      messages += stored.messages.length;
    }
    return { threads: threads.length, messages };
  } finally {
    await Promise.all([from.close?.(), to.close?.()]);
  }
}

/**
 * Moves an embedded installation (`DATA_DIR`) into an empty PostgreSQL database prepared with
 * `npm run db:setup`: memory (threads and messages), the runs table, the billing ledger, tool
 * calls, notes, message claims, sign-outs and the generated session secret. The server must be
 * stopped; a run still answering refuses the move, and so does a database that holds runs.
 */
export async function moveEmbeddedToPostgres(options: { dataDir: string; worldDir: string; databaseUrl: string; now?: Date }): Promise<MoveReport> {
  const embedded: AppConfig['storage'] = { kind: 'embedded' };
  const postgres: AppConfig['storage'] = { kind: 'postgres', url: options.databaseUrl, pools: poolBudget(defaultPoolSize) };
  const source = await openDatabase({ dataDir: options.dataDir, storage: embedded });
  const target = await openDatabase({ dataDir: options.dataDir, storage: postgres });
  try {
    const existing = await target.selectFrom('chat_runs').select('run_id').limit(1).execute();
    if (existing.length > 0) throw new MoveRefusedError('The PostgreSQL database already holds runs: move into a new, empty installation');
    const settled = await settledRuns(source, options.worldDir);
    const now = options.now ?? new Date();
    // Memory first: its saves are upserts, so a move cut short there can simply be run again.
    const memory = await moveMemory({ dataDir: options.dataDir, storage: embedded }, { dataDir: options.dataDir, storage: postgres });
    // The app tables in one transaction: the target holds all of them or none, and the source is only read.
    const rows = await target.transaction().execute(async (trx) => {
      const copied: Partial<Record<MovedTable, number>> = {};
      for (const table of movedTables) copied[table] = await copyTable(source, trx, table);
      for (const run of settled) {
        await recordRunFacts(trx, run.runId, run.facts, run.streamChunks);
        await markPruned(trx, run.runId, now);
      }
      await moveAuthSecret(options.dataDir, trx);
      return copied;
    });
    return { ...memory, rows };
  } finally {
    await Promise.all([source.destroy(), target.destroy()]);
  }
}
