import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from './config';
import { openDatabase } from './db/database';
import { checkHealth } from './health';

it('reports the local world and a working database, and degraded once the database is gone', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'health-test-'));
  const config = loadConfig({ DATA_DIR: dir });
  const db = await openDatabase(config);
  try {
    expect(await checkHealth({ db, config })).toMatchObject({ status: 'ok', world: 'local', database: { kind: 'sqlite', ok: true }, queue: { kind: 'in-process', ok: true } });
    await db.destroy();
    expect(await checkHealth({ db, config })).toMatchObject({ status: 'degraded', database: { ok: false } });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
