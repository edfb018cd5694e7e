import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { AppConfig } from '../config';
import { getLogger } from '../observability/log';
import { LibsqlDialect, pragmas } from './libsql-dialect';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type AppDatabase = Kysely<Database>;

const int8Oid = 20;
const numericOid = 1700;

/**
 * PostgreSQL returns BIGINT and NUMERIC (every SUM of one) as strings; the app's counts and
 * micro-dollar amounts fit a JavaScript number exactly (below 2^53), as they do in SQLite.
 */
function parseNumbers(oid: number, format?: string): (value: string) => unknown {
  if (oid === int8Oid || oid === numericOid) return Number;
  return pg.types.getTypeParser(oid, format as 'text');
}

async function openSqlite(dataDir: string): Promise<AppDatabase> {
  await mkdir(dataDir, { recursive: true });
  const client = createClient({ url: `file:${path.join(dataDir, 'app.db')}`, concurrency: 1 });
  for (const pragma of pragmas) await client.execute(pragma.sql);
  return new Kysely<Database>({ dialect: new LibsqlDialect(client) });
}

function openPostgres(url: string, max: number): AppDatabase {
  const pool = new pg.Pool({ connectionString: url, max, types: { getTypeParser: parseNumbers } as pg.CustomTypesConfig });
  // An idle connection the server drops emits 'error' on the pool; unheard, it would end the process.
  pool.on('error', (error) => getLogger().warn({ err: error }, 'app database connection lost'));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the app database (SQLite in the data dir, or PostgreSQL) and brings its schema up to date. */
export async function openDatabase(config: Pick<AppConfig, 'dataDir' | 'storage'>): Promise<AppDatabase> {
  const db = config.storage.kind === 'postgres' ? openPostgres(config.storage.url, config.storage.pools.app) : await openSqlite(config.dataDir);
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}
