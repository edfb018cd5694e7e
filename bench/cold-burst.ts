import net from 'node:net';
import { createSession } from '../test/support/chat-client';
import { startServer, type TestServer } from '../test/support/server';
import { type ConcurrencyResult, concurrentTurns } from './measures';
import { round } from './stats';
import { durableSystem } from './systems';
import { isDelta, readTimed } from './timed-stream';

/** One burst of N turns posted at once: what `concurrentTurns` measures, plus the server's longest event-loop stall. */
export interface BurstResult extends ConcurrencyResult {
  longestStallMs: number;
}

/** The same burst on a freshly started server, on that server once warm, and on one restarted after a SIGKILL mid-turn. */
export interface ColdBurstResult {
  world: 'local' | 'postgres';
  turns: number;
  fresh: BurstResult;
  warm: BurstResult;
  restarted: BurstResult;
}

/** Idle connections beside every burst: a busy instance's open tabs. */
const bystanders = 200;

/**
 * Connections held open beside the burst, the way a busy instance holds its users' open tabs.
 * Each comes from its own loopback address (all of 127/8 is local on Linux), which no hosts file
 * names, so, like a real client's, resolving it back to a name would have to ask DNS.
 */
async function openBystanders(port: number, count: number): Promise<() => void> {
  const sockets: net.Socket[] = [];
  for (let index = 0; index < count; index++) {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: `127.0.0.${2 + (index % 200)}` });
    socket.on('error', () => undefined);
    sockets.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve).once('error', () => resolve()));
  }
  return () => {
    for (const socket of sockets) socket.destroy();
  };
}

/**
 * The longest event-loop delay since the previous scrape, in ms, from the server's own monitor
 * (prom-client resets its histogram on every scrape of `/api/metrics`).
 */
async function longestStallSinceLastScrape(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/api/metrics`)).text();
  const seconds = Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1]);
  return round(seconds * 1000);
}

async function burst(server: TestServer, turns: number): Promise<BurstResult> {
  const closeBystanders = await openBystanders(server.port, bystanders);
  try {
    const session = await createSession(server.url);
    await longestStallSinceLastScrape(server);
    const result = await concurrentTurns(durableSystem('ours-local', server.url), session, turns, server.process.pid ?? 0);
    return { ...result, longestStallMs: await longestStallSinceLastScrape(server) };
  } finally {
    closeBystanders();
  }
}

/** Starts `turns` long turns, waits until each streams, then kills the server with them in flight. */
async function crashMidTurns(server: TestServer, turns: number): Promise<void> {
  const system = durableSystem('ours-local', server.url);
  const session = await createSession(server.url);
  await Promise.all(
    Array.from({ length: turns }, async (_, index) => {
      const { response } = await system.start(session, `In flight ${index} [[sim words=400 tps=40]]`);
      const head = await readTimed(response, 8);
      if (!head.some(({ chunk }) => isDelta(chunk))) throw new Error('a turn to crash in had not started streaming');
    }),
  );
  await server.crash();
}

/**
 * N turns at once on a server that has just started (its first workflow replay and step happen
 * inside the burst), the same N again once it is warm, and N on a server restarted after a
 * SIGKILL with N runs in flight (which it recovers during the burst). Servers are started with
 * `start` and stopped here; the caller removes their data.
 */
export async function coldBurst(
  start: (dataDir?: string) => Promise<TestServer>,
  world: 'local' | 'postgres',
  turns: number,
  log: (message: string) => void,
): Promise<{ result: ColdBurstResult; dataDir: string }> {
  const server = await start();
  log(`  fresh server: ${turns} turns`);
  const fresh = await burst(server, turns);
  log(`  same server, warm: ${turns} turns`);
  const warm = await burst(server, turns);
  log(`  ${turns} turns in flight, SIGKILL, restart: ${turns} turns`);
  await crashMidTurns(server, turns);
  const restartedServer = await start(server.dataDir);
  try {
    const restarted = await burst(restartedServer, turns);
    return { result: { world, turns, fresh, warm, restarted }, dataDir: server.dataDir };
  } finally {
    await restartedServer.stop();
  }
}

/** Restarting on the same data dir keeps the installation's database (see `startServer`). */
export const benchServerStarter = (env: Record<string, string>, databaseUrl: string) => (dataDir?: string) => startServer({ env, databaseUrl, ...(dataDir && { dataDir }) });

const coldOverWarm = 1.2;
const stallLimitMs = 200;

/** Whether a world's cold bursts met the target: completion within 1.2× of warm and no stall over 200 ms. */
export function coldBurstMet(result: ColdBurstResult): boolean {
  return (
    [result.fresh, result.restarted].every((cold) => cold.lost === 0 && cold.wallSeconds <= result.warm.wallSeconds * coldOverWarm && cold.longestStallMs <= stallLimitMs) &&
    result.warm.longestStallMs <= stallLimitMs
  );
}

/** Markdown rows: one per world and burst. */
export function coldBurstRows(results: readonly ColdBurstResult[]): string[][] {
  return results.flatMap((result) =>
    (['fresh', 'warm', 'restarted'] as const).map((kind) => {
      const row = result[kind];
      return [
        `${result.world} world, ${kind === 'fresh' ? 'fresh start' : kind === 'warm' ? 'warm' : 'restarted after SIGKILL'}`,
        `${row.completed}/${row.turns}`,
        `${row.firstTokenMs.median} / ${row.firstTokenMs.p99}`,
        String(row.wallSeconds),
        kind === 'warm' ? '1×' : `${round(row.wallSeconds / result.warm.wallSeconds)}×`,
        String(row.longestStallMs),
      ];
    }),
  );
}

export const coldBurstHeader = ['Server', 'completed', 'first token ms (median / p99)', 'completion s', 'ratio to warm', 'longest event-loop stall ms'];
