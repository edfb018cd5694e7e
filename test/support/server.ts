import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, dropTestDatabase, testsUsePostgres } from './postgres';

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** The PostgreSQL database this server's installation uses (`TEST_STORAGE=postgres`), if any. */
  databaseUrl: string | undefined;
  /** Everything the server printed, for diagnosing a failed test. */
  output: () => string;
  /** SIGKILL: no shutdown hooks, no flushing, the way a crash or an OOM kill ends a process. */
  crash: () => Promise<void>;
  stop: () => Promise<void>;
}

export interface StartOptions {
  /** Reuse a data dir (to restart after a crash); a fresh temporary one by default. */
  dataDir?: string;
  port?: number;
  env?: Record<string, string>;
  /**
   * Run on this PostgreSQL database, which the caller created and drops; `''` runs on the
   * embedded default whatever the pass. By default a server restarted on a data dir keeps that
   * installation's database, and a fresh one gets its own when the suites run on PostgreSQL.
   */
  databaseUrl?: string;
}

/** The databases this harness created, by installation (data dir), so a restart finds its data. */
const databases = new Map<string, string>();

async function databaseFor(dataDir: string, options: StartOptions): Promise<string | undefined> {
  if (options.databaseUrl !== undefined) return options.databaseUrl || undefined;
  const existing = databases.get(dataDir);
  if (existing || !testsUsePostgres) return existing;
  const created = await createTestDatabase();
  databases.set(dataDir, created);
  return created;
}

const projectRoot = path.resolve(import.meta.dirname, '../..');
const nextBin = path.join(projectRoot, 'node_modules/next/dist/bin/next');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'durable-chat-test-'));
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

// Suites drive many turns per user in seconds; the rate-limit suite turns the limits on itself.
const noRateLimits = { RATE_LIMIT_RUNS: '0', RATE_LIMIT_ACTIVE_RUNS: '0', RATE_LIMIT_GLOBAL_ACTIVE_RUNS: '0', RATE_LIMIT_SESSIONS: '0' };

// Two suites at a time, each with up to two instances (plus one restarted after a crash), share
// one PostgreSQL server and its default max_connections of 100: the sizing docs/operations.md asks of a
// deployment, instances × DATABASE_POOL_SIZE under max_connections.
const testPoolSize = '20';

/** Starts the production build (`next start`) on a free port with its own data dir. */
export async function startServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await makeDataDir());
  const port = options.port ?? (await freePort());
  const databaseUrl = await databaseFor(dataDir, options);
  // The server derives the world's variables itself; none may leak in from the test's environment.
  const storageEnv = {
    DATABASE_URL: databaseUrl ?? '',
    WORKFLOW_TARGET_WORLD: '',
    WORKFLOW_POSTGRES_URL: '',
    WORKFLOW_POSTGRES_MAX_POOL_SIZE: '',
    WORKFLOW_LOCAL_DATA_DIR: '',
    DATABASE_POOL_SIZE: testPoolSize,
  };
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      SIM_TOKENS_PER_SEC: '200',
      SLOW_TOOL_MS: '1000',
      DEBUG_VALIDATE_STREAMS: '1',
      ...noRateLimits,
      ...storageEnv,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (data: Buffer) => (log += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (log += data.toString()));
  const output = () => log;
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const terminate = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    // A server that ignores SIGTERM must not hang the suite's teardown.
    const forceKill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(forceKill);
  };
  await waitForHealth(url, child, output);
  return {
    url,
    port,
    dataDir,
    databaseUrl,
    process: child,
    output,
    crash: () => terminate('SIGKILL'),
    stop: () => terminate('SIGTERM'),
  };
}

/** Fails when the server's debug check (DEBUG_VALIDATE_STREAMS) found a malformed run stream. */
export function expectNoStreamViolations(output: string): void {
  const reports = output.split('\n').filter((line) => line.includes('"ui stream violations"'));
  if (reports.length > 0) throw new Error(`the server reported malformed UI streams:\n${reports.join('\n')}`);
}

/** Removes an installation: its data dir and, when this harness created it, its database. */
export async function removeDataDir(dataDir: string): Promise<void> {
  await rm(dataDir, { recursive: true, force: true });
  const databaseUrl = databases.get(dataDir);
  databases.delete(dataDir);
  if (databaseUrl) await dropTestDatabase(databaseUrl);
}

/**
 * Starts one server for a test file (before all its tests) and removes it and its data after.
 * Read `fixture.server` inside tests and hooks, once it has started.
 */
export function useTestServer(options: StartOptions = {}): { readonly server: TestServer } {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startServer(options);
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeDataDir(server.dataDir);
    expectNoStreamViolations(server?.output() ?? '');
  });
  return {
    get server() {
      if (!server) throw new Error('the test server has not started');
      return server;
    },
  };
}
