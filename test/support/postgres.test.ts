import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { adminUrl, closePool, createEmptyDatabase, postgresAvailable, withClient } from './postgres';

const postgresAnswers = await postgresAvailable();

describe.skipIf(!postgresAnswers)('closePool', () => {
  it('returns once the connections are closed: a forced drop right after terminates none of them', async () => {
    const lost: unknown[] = [];
    // The drop comes from a connection already open, so it reaches the server as fast as it can.
    await withClient(adminUrl(), async (admin) => {
      for (let round = 0; round < 10; round++) {
        const url = await createEmptyDatabase();
        const pool = new pg.Pool({ connectionString: url, max: 2 });
        pool.on('error', (error) => lost.push(error));
        await Promise.all([pool.query('select pg_sleep(0.01)'), pool.query('select 1')]);
        expect(pool.totalCount).toBe(2);
        await closePool(pool);
        await admin.query(`drop database ${new URL(url).pathname.slice(1)} with (force)`);
      }
    });
    // A connection still open when its database goes is terminated by the server (57P01).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(lost).toEqual([]);
  });
});
