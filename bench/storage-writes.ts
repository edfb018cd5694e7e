import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createClient } from 'redis';
import { withClient } from '../test/support/postgres';

/** A count of durable writes and the bytes they stored, as of now. */
export interface WriteCounter {
  read(): Promise<{ writes: number; bytes: number | null }>;
}

async function walk(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await walk(full);
      files += inner.files;
      bytes += inner.bytes;
    } else {
      files++;
      bytes += (await stat(full).catch(() => ({ size: 0 }))).size;
    }
  }
  return { files, bytes };
}

/** The local world writes one file per stream chunk, event, step and run. */
export function localWorldWrites(dataDir: string): WriteCounter {
  return {
    async read() {
      const { files, bytes } = await walk(path.join(dataDir, 'workflow'));
      return { writes: files, bytes };
    },
  };
}

/** The Postgres world's rows: stream chunks, events, steps and runs. */
export function postgresWorldWrites(databaseUrl: string): WriteCounter {
  return {
    async read() {
      return withClient(databaseUrl, async (client) => {
        const { rows } = await client.query<{ rows: string; bytes: string }>(`
          select (select count(*) from workflow.workflow_stream_chunks) + (select count(*) from workflow.workflow_events)
               + (select count(*) from workflow.workflow_steps) + (select count(*) from workflow.workflow_runs) as rows,
                 (select coalesce(sum(octet_length(c::text)), 0) from workflow.workflow_stream_chunks c) as bytes`);
        return { writes: Number(rows[0]?.rows ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
      });
    },
  };
}

/** resumable-stream's Redis commands (publishes and key writes); Redis keeps no byte count per key. */
export function redisWrites(redisUrl: string): WriteCounter {
  return {
    async read() {
      const client = createClient({ url: redisUrl });
      await client.connect();
      try {
        const info = await client.info('commandstats');
        let writes = 0;
        for (const command of ['publish', 'set', 'incr', 'append', 'rpush', 'expire']) {
          writes += Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
        }
        return { writes, bytes: null };
      } finally {
        await client.quit();
      }
    },
  };
}
