// Runs every suite: builds the production app the integration tests start, runs vitest on the
// embedded default, then the integration and browser suites again with the whole app on
// PostgreSQL, and ends with one summary line ("N passed, N failed, N skipped") for CI.
//
// `npm test -- <filters>` passes file filters to both passes. `TEST_STORAGE=embedded` or
// `TEST_STORAGE=postgres` runs one pass only. PostgreSQL is DATABASE_URL's server when set, else
// 127.0.0.1:5432; when neither answers, the PostgreSQL pass is reported as skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresAvailable } from '../test/support/postgres.ts';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules/.bin', name);
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
const filters = process.argv.slice(2);
const only = process.env.TEST_STORAGE;

if (process.env.SKIP_BUILD !== '1') {
  const build = spawnSync(bin('next'), ['build'], { cwd: root, env, stdio: 'inherit' });
  if (build.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

function vitestPass(name, storage, args) {
  console.log(`\n=== ${name} ===`);
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'durable-chat-report-')), 'vitest.json');
  const run = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], {
    cwd: root,
    env: { ...env, TEST_STORAGE: storage },
    stdio: 'inherit',
  });
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    // A suite that failed outside its tests (a hook) fails the run without a failed test.
    const failed = summary.numFailedTests || (run.status === 0 ? 0 : 1);
    return { passed: summary.numPassedTests, failed, skipped: summary.numPendingTests + summary.numTodoTests };
  } catch {
    console.error(`vitest wrote no report for ${name}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const add = (result) => {
  for (const key of Object.keys(totals)) totals[key] += result[key];
};

if (only !== 'postgres') add(vitestPass('embedded default (local world, LibSQL)', 'embedded', filters));
if (only !== 'embedded') {
  const integrationOnly = filters.length > 0 ? filters : ['test/'];
  if (await postgresAvailable()) {
    add(vitestPass('PostgreSQL (Postgres world, PostgresStore, Postgres ledger)', 'postgres', integrationOnly));
  } else {
    console.log('\n=== PostgreSQL pass skipped: no server answers (set DATABASE_URL or start one on 127.0.0.1:5432) ===');
    totals.skipped += 1;
  }
}

const { passed, failed, skipped } = totals;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
