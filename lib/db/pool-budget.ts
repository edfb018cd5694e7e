/**
 * How one instance's PostgreSQL connections are shared. Three pools carry the load: the
 * workflow world's (run events, stream chunks and graphile-worker's queue, the busiest), memory's
 * and the app's (ledger, runs, leases). Left at their libraries' defaults they opened up to 50
 * connections per instance, so two instances and a migration used up PostgreSQL's default
 * `max_connections` of 100 and turns failed. `DATABASE_POOL_SIZE` caps the three together;
 * size it so that instances × pool size stays under the server's `max_connections`.
 * Outside the budget, and few: the rate-limit counters' pool (`lib/limits/counter-store.ts`, at
 * most 3, with the default `RATE_LIMIT_STORE=postgres`) and the world's one LISTEN connection for
 * live streams, so an instance can hold up to `DATABASE_POOL_SIZE` + 4.
 */
export interface PoolBudget {
  world: number;
  memory: number;
  app: number;
}

export const defaultPoolSize = 40;
export const minimumPoolSize = 8;

export function poolBudget(total: number): PoolBudget {
  const world = Math.ceil(total / 2);
  const memory = Math.max(2, Math.floor(total / 4));
  return { world, memory, app: Math.max(2, total - world - memory) };
}
