import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecordedRunFacts } from '../retention/pruned-runs';

const runFileSchema = z.object({ status: z.string(), createdAt: z.string().optional(), completedAt: z.string().optional() });

/** What the local world's run record says of a run (`runs/<runId>.json`); null when it has none. */
export async function localRunFacts(worldDir: string, runId: string): Promise<RecordedRunFacts | null> {
  const raw = await readFile(path.join(worldDir, 'runs', `${runId}.json`), 'utf8').catch(() => undefined);
  if (raw === undefined) return null;
  const run = runFileSchema.parse(JSON.parse(raw));
  return { status: run.status, startedAt: run.createdAt ?? null, endedAt: run.completedAt ?? null };
}

/** Data chunks of the run's default stream in the local world: its chunk files, less the end marker. */
export async function localStreamLength(worldDir: string, runId: string): Promise<number> {
  const chunksDir = path.join(worldDir, 'streams', 'chunks');
  const prefix = `${runId.replace('wrun_', 'strm_')}_user-`;
  const files = (await readdir(chunksDir).catch(() => [])).filter((file) => file.startsWith(prefix)).sort();
  const last = files.at(-1);
  if (!last) return 0;
  const endMarker = (await readFile(path.join(chunksDir, last)))[0] === 1;
  return files.length - (endMarker ? 1 : 0);
}
