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

/** Runs vitest once: its exit status and its JSON report (null when it wrote none). */
function runVitest(storage, args) {
  const report = path.join(mkdtempSync(path.join(tmpdir(), 'durable-chat-report-')), 'vitest.json');
  const run = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args], {
    cwd: root,
    env: { ...env, TEST_STORAGE: storage },
    stdio: 'inherit',
  });
  try {
    return { status: run.status, summary: JSON.parse(readFileSync(report, 'utf8')) };
  } catch {
    return { status: run.status, summary: null };
  }
}

/** Per test file: its counts and its failures (a hook that failed counts as one failed test). */
function filesOf(summary) {
  return summary.testResults.map((file) => {
    const statuses = file.assertionResults.map((test) => test.status);
    const count = (...wanted) => statuses.filter((status) => wanted.includes(status)).length;
    const failedTests = file.assertionResults.filter((test) => test.status === 'failed');
    const failures = failedTests.map((test) => `${test.fullName}: ${firstLine(test.failureMessages[0])}`);
    if (failedTests.length === 0 && file.status === 'failed') failures.push(`failed outside its tests: ${firstLine(file.message)}`);
    return {
      name: file.name,
      passed: count('passed'),
      failed: failures.length,
      skipped: count('pending', 'todo', 'skipped'),
      failures,
      failedTitles: failedTests.map((test) => test.fullName),
    };
  });
}

const firstLine = (text) => (text ?? '').split('\n')[0].slice(0, 300);

/**
 * One pass. A file with a failure runs once more: a test that fails twice fails the pass; one
 * that passes the second time counts as passed but is named as flaky above the summary, so a
 * timing-sensitive test on a loaded machine does not hide among real failures, nor turn CI red.
 */
function vitestPass(name, storage, args) {
  console.log(`\n=== ${name} ===`);
  const first = runVitest(storage, args);
  if (!first.summary) return { passed: 0, failed: 1, skipped: 0, failures: [`${name}: vitest wrote no report`], flaky: [] };
  let files = filesOf(first.summary);
  const failing = files.filter((file) => file.failed > 0);
  const flaky = [];
  if (failing.length > 0) {
    console.log(`\n=== ${name}: running ${failing.length} failed file(s) once more ===`);
    const second = runVitest(
      storage,
      failing.map((file) => file.name),
    );
    const again = new Map((second.summary ? filesOf(second.summary) : []).map((file) => [file.name, file]));
    files = files.map((file) => {
      const rerun = again.get(file.name);
      if (file.failed === 0 || !rerun) return file;
      const stillFailing = new Set(rerun.failedTitles);
      const recovered = file.failedTitles.length > 0 ? file.failedTitles.filter((title) => !stillFailing.has(title)) : rerun.failed === 0 ? ['(outside its tests)'] : [];
      flaky.push(...recovered.map((title) => `${name}: ${path.relative(root, file.name)} > ${title}`));
      return rerun;
    });
  }
  const sum = (key) => files.reduce((total, file) => total + file[key], 0);
  // vitest also exits non-zero for an error no test owns (an unhandled rejection, say).
  const unowned = first.status !== 0 && failing.length === 0 ? [`${name}: vitest exited with status ${first.status} outside any test`] : [];
  return {
    passed: sum('passed'),
    failed: sum('failed') + unowned.length,
    skipped: sum('skipped'),
    failures: [...unowned, ...files.flatMap((file) => file.failures.map((failure) => `${name}: ${path.relative(root, file.name)} > ${failure}`))],
    flaky,
  };
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const flaky = [];
const add = (result) => {
  for (const key of Object.keys(totals)) totals[key] += result[key];
  failures.push(...result.failures);
  flaky.push(...result.flaky);
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
// CI keeps only the tail of the output, so flaky and failed tests are listed right above the summary.
const list = (title, lines) => lines.length > 0 && console.log(`\n${title}:\n${lines.map((line) => `  ${line}`).join('\n')}`);
list('Flaky (failed, then passed when their file ran again)', flaky);
list('Failed', failures);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
