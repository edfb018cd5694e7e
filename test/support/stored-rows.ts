import path from 'node:path';
import { createClient } from '@libsql/client';
import type { TestServer } from './server';
import { queryAppDatabase } from './tool-turns';

type Installation = Pick<TestServer, 'dataDir' | 'databaseUrl'>;

/** Memory's rows: its own SQLite file on the embedded default, the installation's database on PostgreSQL. */
async function queryMemory(server: Installation, sql: string, args: string[]): Promise<Array<Record<string, unknown>>> {
  if (server.databaseUrl) return queryAppDatabase(server, sql, args);
  const client = createClient({ url: `file:${path.join(server.dataDir, 'memory.db')}` });
  try {
    // The server writes the same file: wait for its write lock rather than fail.
    await client.execute('PRAGMA busy_timeout = 10000');
    return (await client.execute({ sql, args })).rows as unknown as Array<Record<string, unknown>>;
  } finally {
    client.close();
  }
}

/**
 * How many rows of `table` have `column = value` in the server's own storage, read directly,
 * for checks no API can make (that deleted data is really gone).
 */
export async function countRows(server: Installation, store: 'app' | 'memory', table: string, column: string, value: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table) || !/^[a-z_]+$/.test(column)) throw new Error(`not a plain identifier: ${table}.${column}`);
  const sql = `select count(*) as n from ${table} where ${column} = ?`;
  const rows = store === 'app' ? await queryAppDatabase(server, sql, [value]) : await queryMemory(server, sql, [value]);
  return Number(rows[0]?.n ?? 0);
}
