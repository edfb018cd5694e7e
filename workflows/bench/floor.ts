import type { UIMessageChunk } from 'ai';
import { getWritable } from 'workflow';

/** What one floor run does: `steps` steps, the first writing `chunks` text deltas (bench only). */
export interface FloorShape {
  steps: number;
  chunks: number;
}

/** Writes the run's chunks with nothing else around them: no agent, memory, lease or database. */
async function writeChunks(chunks: number): Promise<void> {
  'use step';
  const writer = getWritable<UIMessageChunk>().getWriter();
  try {
    await writer.write({ type: 'start' });
    await writer.write({ type: 'text-start', id: 't' });
    for (let index = 0; index < chunks; index++) await writer.write({ type: 'text-delta', id: 't', delta: 'token ' });
    await writer.write({ type: 'text-end', id: 't' });
  } finally {
    writer.releaseLock();
  }
}

/** A step that does nothing: what the Workflow DevKit itself costs per step. */
async function emptyStep(): Promise<void> {
  'use step';
}

async function closeStream(): Promise<void> {
  'use step';
  const writable = getWritable<UIMessageChunk>();
  const writer = writable.getWriter();
  await writer.write({ type: 'finish' });
  writer.releaseLock();
  await writable.close();
}

/**
 * The Workflow DevKit's floor under a chat turn (`npm run bench`, BENCH_BASELINES=1): a run of
 * `steps` steps (at least two: the writer and the closer) and `chunks` chunks, measured beside
 * a real turn to tell what the world costs per run, per step and per chunk from what ours adds.
 */
export async function floorWorkflow(shape: FloorShape) {
  'use workflow';
  await writeChunks(shape.chunks);
  for (let step = 2; step < shape.steps; step++) await emptyStep();
  await closeStream();
}
