import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminUrl, postgresAvailable, withClient } from '../../test/support/postgres';
import { errorToResponse } from '../errors';
import { isDatabaseOverloaded } from './overload';

const postgresAnswers = await postgresAvailable();

/** What PostgreSQL answers a connection it has no room for: here, a role allowed none. */
async function refusedConnection(): Promise<unknown> {
  const role = `durable_chat_test_full_${randomBytes(4).toString('hex')}`;
  return withClient(adminUrl(), async (admin) => {
    await admin.query(`create role ${role} login connection limit 0`);
    try {
      const url = new URL(adminUrl());
      url.username = role;
      return await withClient(url.toString(), async () => null).catch((error: unknown) => error);
    } finally {
      await admin.query(`drop role if exists ${role}`);
    }
  });
}

describe('isDatabaseOverloaded', () => {
  it('finds a capacity SQLSTATE anywhere in the cause chain, and nothing else', () => {
    const tooMany = Object.assign(new Error('sorry, too many clients already'), { code: '53300' });
    expect(isDatabaseOverloaded(tooMany)).toBe(true);
    expect(isDatabaseOverloaded(new Error('saveThread failed', { cause: new Error('wrapped', { cause: tooMany }) }))).toBe(true);
    expect(isDatabaseOverloaded(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    expect(isDatabaseOverloaded(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isDatabaseOverloaded(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isDatabaseOverloaded('53300')).toBe(false);
  });

  it.skipIf(!postgresAnswers)('turns PostgreSQL refusing a connection into 503 with Retry-After, not a 500', async () => {
    const refused = await refusedConnection();
    expect(refused).toMatchObject({ code: '53300' });
    const response = errorToResponse(new Error('Mastra storage failed', { cause: refused }));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toMatchObject({ error: { code: 'unavailable:database' } });
  });
});
