import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type AppDatabase, openDatabase } from '../../lib/db/database';

/**
 * The app tables on a real SQLite file of their own for one test file, migrated before all its
 * tests and removed after. Read `fixture.db` inside tests and hooks.
 */
export function openTestAppDatabase(): { readonly db: AppDatabase } {
  let dir: string | undefined;
  let db: AppDatabase | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'durable-chat-db-'));
    db = await openDatabase({ dataDir: dir, storage: { kind: 'embedded' } });
  });
  afterAll(async () => {
    await db?.destroy();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get db() {
      if (!db) throw new Error('the test database is not open yet');
      return db;
    },
  };
}
