/**
 * How one instance's PostgreSQL connections are shared. Three pools talk to the database: the
 * workflow world's (run events, stream chunks and graphile-worker's queue, the busiest), memory's
 * and the app's (ledger, runs, limits). Left at their libraries' defaults they opened up to 50
 * connections per instance, so two instances and a migration used up PostgreSQL's default
 * `max_connections` of 100 and turns failed. `DATABASE_POOL_SIZE` caps the three together;
 * size it so that instances × pool size stays under the server's `max_connections`.
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
