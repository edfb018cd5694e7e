import { createClient } from '@libsql/client';
import { Kysely } from 'kysely';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { LibsqlDialect, pragmas } from './libsql-dialect';
import { migrateToLatest } from './migrations';
import type { Database } from './schema';

export type AppDatabase = Kysely<Database>;

/** Opens the app database in the data dir and brings its schema up to date. */
export async function openDatabase(dataDir: string): Promise<AppDatabase> {
  await mkdir(dataDir, { recursive: true });
  const client = createClient({ url: `file:${path.join(dataDir, 'app.db')}` });
  for (const pragma of pragmas) await client.execute(pragma.sql);
  const db = new Kysely<Database>({ dialect: new LibsqlDialect(client) });
  await migrateToLatest(db as Kysely<unknown>);
  return db;
}
