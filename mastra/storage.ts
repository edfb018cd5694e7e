import path from 'node:path';
import { LibSQLStore } from '@mastra/libsql';
import { PostgresStore } from '@mastra/pg';
import type { AppConfig } from '../lib/config';

/** Memory's storage: a LibSQL file in the data dir, or the app's PostgreSQL database. */
export function createMastraStorage(config: Pick<AppConfig, 'dataDir' | 'storage'>): LibSQLStore | PostgresStore {
  if (config.storage.kind === 'postgres') return new PostgresStore({ id: 'durable-chat-memory', connectionString: config.storage.url, max: config.storage.pools.memory });
  return new LibSQLStore({ id: 'durable-chat-memory', url: `file:${path.join(config.dataDir, 'memory.db')}` });
}
