import { createMastraRuntime, type MastraRuntime } from '../mastra';
import { resolveAuthSecret } from './auth/secret';
import { type AppConfig, getConfig } from './config';
import { type AppDatabase, openDatabase } from './db/database';
import { createWindowCounters } from './limits/counter-store';
import { createRunLimits, type RunLimits } from './limits/run-limits';
import { createSessionLimits, type SessionLimits } from './limits/session-limits';
import { createProgressBeat, type ProgressBeat } from './recovery/progress';

/** Everything a request or a workflow step needs, built once per process from the config. */
export interface AppContext extends MastraRuntime {
  config: AppConfig;
  authSecret: Uint8Array;
  db: AppDatabase;
  runLimits: RunLimits;
  sessionLimits: SessionLimits;
  progress: ProgressBeat;
}

export async function createAppContext(config: AppConfig): Promise<AppContext> {
  const db = await openDatabase(config);
  const authSecret = await resolveAuthSecret(config, db);
  const mastra = await createMastraRuntime(config, db);
  const counters = createWindowCounters(config);
  return { config, authSecret, db, runLimits: createRunLimits(config, db, counters), sessionLimits: createSessionLimits(config, counters), progress: createProgressBeat(db), ...mastra };
}

// Next.js bundles each route and the workflow step bundle separately, so a module-level cache
// would open one database per bundle. The cache lives on globalThis to give one per process.
const cacheKey = Symbol.for('durable-chat.app-context');
type ContextCache = { [cacheKey]?: Promise<AppContext> };

/** The process's shared context, created on first use. A failed creation is retried next call. */
export function getAppContext(): Promise<AppContext> {
  const cache = globalThis as ContextCache;
  cache[cacheKey] ??= createAppContext(getConfig()).catch((error: unknown) => {
    delete cache[cacheKey];
    throw error;
  });
  return cache[cacheKey];
}
