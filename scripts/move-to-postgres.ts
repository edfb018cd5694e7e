/**
 * `npm run db:move-to-postgres`: moves the embedded installation in DATA_DIR (memory, runs,
 * billing ledger, notes, the session secret) into the PostgreSQL database at DATABASE_URL,
 * which must be empty and set up with `npm run db:setup`. Stop the server first. Finished runs'
 * streams stay in DATA_DIR/workflow: after the move they answer 410, as pruned runs do.
 */

import path from 'node:path';
import { localWorldDataDir } from '../lib/runtime-env';
import { MoveRefusedError, moveEmbeddedToPostgres } from '../lib/storage-move/move-to-postgres';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl?.match(/^postgres(ql)?:\/\//)) {
  console.error('db:move-to-postgres needs DATABASE_URL=postgres://… (the target, set up with npm run db:setup) and DATA_DIR (the embedded installation)');
  process.exit(2);
}
const dataDir = path.resolve(process.env.DATA_DIR || '.data');
try {
  const report = await moveEmbeddedToPostgres({ dataDir, worldDir: localWorldDataDir({ ...process.env, DATA_DIR: dataDir }), databaseUrl });
  console.log(`✅ Moved ${report.threads} threads (${report.messages} messages) and ${JSON.stringify(report.rows)} app rows from ${dataDir}`);
  process.exit(0);
} catch (error) {
  if (error instanceof MoveRefusedError) {
    console.error(`Not moved: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
