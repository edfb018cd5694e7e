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

/** A client on `url` for one action; it is closed (its connection ended) before this resolves. */
export async function withClient<T>(url: string, action: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  // A failure between queries is emitted, not thrown: unheard, it would end the test process.
  client.on('error', (error) => console.warn('test client: connection lost:', error.message));
  await client.connect();
  try {
    return await action(client);
  } finally {
    await client.end();
  }
}

const admin = <T>(action: (client: pg.Client) => Promise<T>) => withClient(adminUrl(), action);

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

/** A fresh, empty database for a test (drop it with `dropTestDatabase`); returns its URL. */
export async function createEmptyDatabase(): Promise<string> {
  const name = `durable_chat_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name}`));
  return withDatabase(adminUrl(), name);
}

/** A fresh database of its own, set up with `npm run db:setup`'s script; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const url = await createEmptyDatabase();
  await runDbSetup(url);
  return url;
}

/**
 * A pool on a test database, with the error listener every pool needs: a connection the server
 * ends while idle is reported on the pool, and a pool nobody listens to throws it out of the
 * test process. Close it with `closePool` before the database is dropped.
 */
export function openTestPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', (error) => console.warn(`test pool on ${new URL(url).pathname}: idle connection lost:`, error.message));
  return pool;
}

/**
 * Ends a pool and waits until every connection of it has closed. pg-pool's `end()` resolves as
 * soon as it has asked its connections to close; a `drop database … with (force)` right after
 * terminated the ones still open, and each answered with a 57P01 error (seen in 21 of 30 tries).
 * `end` is how the pool's owner ends it (Kysely's `destroy()` ends the pool it was given).
 */
export async function closePool(pool: pg.Pool, end: () => Promise<void> = () => pool.end()): Promise<void> {
  let open = pool.totalCount;
  const closed = new Promise<void>((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      open -= 1;
      if (open === 0) resolve();
    });
  });
  await end();
  await closed;
}

export async function dropTestDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^durable_chat_test_[0-9a-f]+$/.test(name)) throw new Error(`refusing to drop ${name}`);
  await admin((client) => client.query(`drop database if exists ${name} with (force)`));
}
