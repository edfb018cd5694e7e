import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';

const secretName = 'auth-secret';

function generateSecret(): string {
  return randomBytes(48).toString('base64url');
}

/** Embedded: one file in the data dir, written with `wx` so two processes booting together agree. */
async function secretInDataDir(dataDir: string): Promise<string> {
  const file = path.join(dataDir, secretName);
  await mkdir(dataDir, { recursive: true });
  try {
    await writeFile(file, generateSecret(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return (await readFile(file, 'utf8')).trim();
}

/** PostgreSQL: one row every instance shares; the first to insert wins. */
async function secretInDatabase(db: AppDatabase): Promise<string> {
  await db
    .insertInto('app_secrets')
    .values({ name: secretName, value: generateSecret() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const row = await db.selectFrom('app_secrets').select('value').where('name', '=', secretName).executeTakeFirstOrThrow();
  return row.value;
}

/**
 * The configured secret, or one generated once and kept where every process of this
 * installation finds it, so sessions survive restarts and work on any instance.
 */
export async function resolveAuthSecret(config: Pick<AppConfig, 'authSecret' | 'dataDir' | 'storage'>, db: AppDatabase): Promise<Uint8Array> {
  if (config.authSecret) return new TextEncoder().encode(config.authSecret);
  const stored = config.storage.kind === 'postgres' ? await secretInDatabase(db) : await secretInDataDir(config.dataDir);
  if (stored.length < 32) throw new Error('The stored auth secret is shorter than 32 characters');
  return new TextEncoder().encode(stored);
}
