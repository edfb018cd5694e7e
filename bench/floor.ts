/**
 * The Workflow DevKit's own floor under a durable turn, measured in isolation (BENCH_BASELINES=1
 * serves `POST /api/bench/floor`, workflows/bench/floor.ts): bare runs with no agent, memory or
 * database of ours, varying only the number of steps and chunks. Differences between the shapes
 * give what the world costs per run, per step and per chunk, in latency at idle and in server
 * CPU under load.
 */
import type { Session } from '../test/support/chat-client';
import { watchProcess } from './process-metrics';
import { round, type Summary, summarize } from './stats';
import { readTimed } from './timed-stream';

interface Shape {
  steps: number;
  chunks: number;
}

export interface FloorResult {
  world: 'local' | 'postgres';
  /** POST to the first chunk of a two-step run with no tokens, at idle. */
  firstChunkMs: Summary;
  /** POST to the end of the stream, at idle, by shape. */
  endMs: Record<string, Summary>;
  /** Server CPU per run with `concurrency` runs at once, by shape, in ms. */
  cpuMsPerRun: Record<string, number>;
  concurrency: number;
  /** Derived: per extra step and per chunk (ms of latency at idle, ms of CPU under load). */
  perStep: { latencyMs: number; cpuMs: number };
  perChunk: { latencyMs: number; cpuMs: number };
}

const shapes = { bare: { steps: 2, chunks: 0 }, steps: { steps: 6, chunks: 0 }, chunks: { steps: 2, chunks: 200 } } satisfies Record<string, Shape>;

async function floorRun(baseUrl: string, session: Session, shape: Shape): Promise<{ firstMs: number; endMs: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${baseUrl}/api/bench/floor`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(shape),
  });
  if (response.status !== 200) throw new Error(`floor run answered ${response.status}: ${await response.text()}`);
  const chunks = await readTimed(response);
  if (chunks.at(-1)?.chunk.type !== 'finish') throw new Error('floor run ended without finish');
  return { firstMs: (chunks[0]?.at ?? Number.NaN) - startedAt, endMs: (chunks.at(-1)?.at ?? Number.NaN) - startedAt };
}

async function cpuMsPerRun(baseUrl: string, session: Session, serverPid: number, shape: Shape, runs: number): Promise<number> {
  const watcher = await watchProcess(serverPid);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: runs }, () => floorRun(baseUrl, session, shape)));
  const seconds = (performance.now() - startedAt) / 1000;
  const { cpuPercentOfOneCore } = await watcher.stop();
  return round(((cpuPercentOfOneCore / 100) * seconds * 1000) / runs, 1);
}

export async function worldFloor(world: FloorResult['world'], server: { url: string; pid: number }, session: Session, samples: number, concurrency: number): Promise<FloorResult> {
  for (const shape of Object.values(shapes)) await floorRun(server.url, session, shape);
  const first: number[] = [];
  const endMs: Record<string, Summary> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const ends: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      const run = await floorRun(server.url, session, shape);
      if (name === 'bare') first.push(run.firstMs);
      ends.push(run.endMs);
    }
    endMs[name] = summarize(ends);
  }
  const cpu: Record<string, number> = {};
  for (const [name, shape] of Object.entries(shapes)) cpu[name] = await cpuMsPerRun(server.url, session, server.pid, shape, concurrency);
  const median = (name: keyof typeof shapes) => endMs[name]?.median ?? Number.NaN;
  const extraSteps = shapes.steps.steps - shapes.bare.steps;
  return {
    world,
    firstChunkMs: summarize(first),
    endMs,
    cpuMsPerRun: cpu,
    concurrency,
    perStep: { latencyMs: round((median('steps') - median('bare')) / extraSteps), cpuMs: round(((cpu.steps ?? 0) - (cpu.bare ?? 0)) / extraSteps) },
    perChunk: { latencyMs: round((median('chunks') - median('bare')) / shapes.chunks.chunks, 3), cpuMs: round(((cpu.chunks ?? 0) - (cpu.bare ?? 0)) / shapes.chunks.chunks, 3) },
  };
}

export const floorHeader = ['World', 'first chunk, bare run, idle ms (median / p99)', 'bare run end ms', 'CPU ms per bare run', 'per extra step: latency / CPU ms', 'per chunk: latency / CPU ms'];

export function floorRows(results: FloorResult[]): string[][] {
  return results.map((result) => [
    result.world,
    `${result.firstChunkMs.median} / ${result.firstChunkMs.p99}`,
    String(result.endMs.bare?.median ?? '–'),
    `${result.cpuMsPerRun.bare ?? '–'} (${result.concurrency} at once)`,
    `${result.perStep.latencyMs} / ${result.perStep.cpuMs}`,
    `${result.perChunk.latencyMs} / ${result.perChunk.cpuMs}`,
  ]);
}
