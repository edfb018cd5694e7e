import { readdir } from 'node:fs/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getWorld } from 'workflow/runtime';

/**
 * What a long-running server holds, for finding leaks (`DEBUG_MEASURES=1`, used by the soak
 * benchmark and the reader-release test): memory, open descriptors, event-loop lag, the live
 * stream listeners of the workflow world, and the handles keeping the event loop busy.
 */
export interface ProcessMeasures {
  pid: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Entries of /proc/self/fd: sockets, files and pipes this process has open. */
  openFds: number;
  /** Event-loop delay since the previous measure (the first measure starts the monitor). */
  eventLoopLagMs: { mean: number; p99: number; max: number };
  /** Listeners the world's stream readers hold (local world: two per live reader); null when the world does not say. */
  streamListeners: number | null;
  /** libuv handles and requests by type (`TCPSocketWrap`, `Timeout`, `FSReqPromise`…). */
  activeResources: Record<string, number>;
}

const histogramKey = Symbol.for('durable-chat.event-loop-delay');
type HistogramHolder = { [histogramKey]?: ReturnType<typeof monitorEventLoopDelay> };

function eventLoopLag(): ProcessMeasures['eventLoopLagMs'] {
  const holder = globalThis as HistogramHolder;
  const histogram = holder[histogramKey];
  if (!histogram) {
    holder[histogramKey] = monitorEventLoopDelay({ resolution: 10 });
    holder[histogramKey].enable();
    return { mean: 0, p99: 0, max: 0 };
  }
  const toMs = (nanoseconds: number) => Math.round((nanoseconds / 1e6) * 100) / 100;
  const lag = { mean: toMs(histogram.mean || 0), p99: toMs(histogram.percentile(99)), max: toMs(histogram.max) };
  histogram.reset();
  return lag;
}

/** The world's count of stream listeners, when it offers one (the patched local world does). */
async function streamListeners(): Promise<number | null> {
  const world = getWorld();
  if (!('listenerCount' in world) || typeof world.listenerCount !== 'function') return null;
  const count: unknown = await world.listenerCount();
  return typeof count === 'number' ? count : null;
}

function countByType(types: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Measures the process now; with `collectGarbage`, after a full GC (needs `--expose-gc`). */
export async function measureProcess(options: { collectGarbage: boolean }): Promise<ProcessMeasures> {
  if (options.collectGarbage) globalThis.gc?.();
  const memory = process.memoryUsage();
  return {
    pid: process.pid,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    openFds: (await readdir('/proc/self/fd')).length,
    eventLoopLagMs: eventLoopLag(),
    streamListeners: await streamListeners(),
    activeResources: countByType(process.getActiveResourcesInfo()),
  };
}
