import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';

const projectRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The PostgreSQL server the tests use: `DATABASE_URL` when set (its database is only used to
 * create and drop per-test databases), otherwise the machine's server on 127.0.0.1:5432.
 */
export function adminUrl(): string {
  return process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** Whether the suites run against PostgreSQL (`TEST_STORAGE=postgres`, set by `npm test`'s second pass). */
export const testsUsePostgres = process.env.TEST_STORAGE === 'postgres';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

/** Whether the PostgreSQL server answers. */
export async function postgresAvailable(): Promise<boolean> {
  return admin(async (client) => (await client.query('select 1')).rowCount === 1).catch(() => false);
}

/** Runs `npm run db:setup`'s script against a database (idempotent: safe on a live one). */
export function runDbSetup(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), 'scripts/db-setup.ts'], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, WORKFLOW_POSTGRES_URL: databaseUrl, WORKFLOW_TARGET_WORLD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (data: Buffer) => (output += data.toString()));
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`db:setup failed (${code}):\n${output}`))));
  });
}

/** A fresh database of its own, set up with `npm run db:setup`'s script; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `durable_chat_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = withDatabase(adminUrl(), name);
  await runDbSetup(url);
  return url;
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^durable_chat_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin((client) => client.query(`drop database if exists ${name} with (force)`));
}
