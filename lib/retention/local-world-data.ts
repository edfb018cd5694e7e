import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { runStreamName } from '../runs/world-run';
import type { RecordedRunFacts } from './pruned-runs';

/**
 * What the local world keeps of a run, by directory (read from `@workflow/world-local` 4.4.1):
 * `runs/<runId>.json`, `events/<runId>-<eventId>.json`, `steps/<runId>-<stepId>.json`, the
 * terminal-state lock files `.locks/steps/<runId>-<stepId>.terminal`, wait records and their locks
 * `waits/<runId>-<waitId>.json`, the run's stream list `streams/runs/<runId>.json` and its chunk
 * files `streams/chunks/<streamName>-chnk_<ulid>.bin`. Every file name starts with the run id
 * or a stream name, so a run's files are found by prefix.
 */
const runPrefixedDirs = ['events', 'steps', path.join('.locks', 'steps'), 'waits', path.join('.locks', 'waits')];

const streamListSchema = z.object({ streams: z.array(z.string()) });

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The run's streams: those the world recorded for it, and its default stream in any case. */
async function streamNamesOf(worldDir: string, runId: string): Promise<string[]> {
  const defaultStream = runStreamName(runId);
  const raw = await readFile(path.join(worldDir, 'streams', 'runs', `${runId}.json`), 'utf8').catch(() => undefined);
  const recorded = raw === undefined ? undefined : streamListSchema.safeParse(JSON.parse(raw));
  return [...new Set([defaultStream, ...(recorded?.success ? recorded.data.streams : [])])];
}

async function removeAll(dir: string, names: string[]): Promise<void> {
  await Promise.all(names.map((name) => rm(path.join(dir, name), { force: true })));
}

/** The files of `dir` whose owner (the name up to `separator`) is one of `owners`. */
async function filesOwnedBy(dir: string, owners: ReadonlySet<string>, separator: string): Promise<string[]> {
  return (await list(dir)).filter((file) => {
    const end = file.indexOf(separator);
    return end > 0 && owners.has(file.slice(0, end));
  });
}

/**
 * Removes the runs' replay data from the local world's directory: stream chunks, events, steps,
 * locks and waits, then the stream list and the run record last, so a pass cut short by a crash
 * leaves the run findable and the next pass finishes it. Removing what is already gone is a
 * no-op. Each directory is listed once for the whole batch.
 */
export async function removeLocalWorldRuns(worldDir: string, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const chunksDir = path.join(worldDir, 'streams', 'chunks');
  const streams = new Set((await Promise.all(runIds.map((runId) => streamNamesOf(worldDir, runId)))).flat());
  await removeAll(chunksDir, await filesOwnedBy(chunksDir, streams, '-chnk_'));
  const runs = new Set(runIds);
  for (const relative of runPrefixedDirs) {
    const dir = path.join(worldDir, relative);
    await removeAll(dir, await filesOwnedBy(dir, runs, '-'));
  }
  await removeAll(
    path.join(worldDir, 'streams', 'runs'),
    runIds.map((runId) => `${runId}.json`),
  );
  await removeAll(
    path.join(worldDir, 'runs'),
    runIds.map((runId) => `${runId}.json`),
  );
}

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
  const files = (await list(chunksDir)).filter((file) => file.startsWith(`${runStreamName(runId)}-`)).sort();
  const last = files.at(-1);
  if (!last) return 0;
  const endMarker = (await readFile(path.join(chunksDir, last)))[0] === 1;
  return files.length - (endMarker ? 1 : 0);
}
