/**
 * `npm run db:setup`: prepares the PostgreSQL database named by DATABASE_URL for any number of
 * app instances. Idempotent: run it on every deploy. It runs the Workflow DevKit Postgres world's
 * bootstrap (its tables and the graphile-worker queue), the app's migrations, and Mastra's storage
 * init (memory tables).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../lib/config';
import { openDatabase } from '../lib/db/database';
import { applyWorkflowEnv } from '../lib/runtime-env';
import { createMastraStorage } from '../mastra/storage';

applyWorkflowEnv();
const config = loadConfig();
if (config.storage.kind !== 'postgres') {
  console.error('db:setup needs DATABASE_URL=postgres://… (the embedded default needs no setup)');
  process.exit(2);
}

const worldEntry = fileURLToPath(import.meta.resolve('@workflow/world-postgres'));
const worldSetup = path.join(path.dirname(worldEntry), '..', 'bin', 'setup.js');
const world = spawnSync(process.execPath, [worldSetup], { stdio: 'inherit', env: process.env });
if (world.status !== 0) process.exit(world.status ?? 1);

const db = await openDatabase(config);
await db.destroy();
console.log('✅ App tables migrated');
const storage = createMastraStorage(config);
await storage.init();
console.log('✅ Memory tables ready');
process.exit(0);
