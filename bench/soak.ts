/**
 * Soak mode of `npm run bench` (`BENCH_SOAK_TURNS=N`): N turns of the fast simulated model, a
 * few readers per run (one that reconnects mid-answer), every tenth turn stopped, with pruning
 * on. The server's RSS, heap, open descriptors, event-loop lag and stream listeners are sampled
 * through the run (`/api/debug/process`); after the load ends and a GC, each is compared with
 * its level after the first 500 turns (also after a GC).
 */
import { randomUUID } from 'node:crypto';
import { createSession, getStream, postChat, readChunks, readUntil, runIdOf, type Session, stopRun } from '../test/support/chat-client';
import type { TestServer } from '../test/support/server';

export interface SoakSample {
  turns: number;
  rssMb: number;
  heapMb: number;
  openFds: number;
  lagP99Ms: number;
  streamListeners: number | null;
}

export interface SoakResult {
  turns: number;
  concurrency: number;
  samples: SoakSample[];
  /** After 500 turns and a GC, and after the load ended and a GC. */
  baseline: SoakSample;
  final: SoakSample;
}

async function sample(server: TestServer, turns: number, collectGarbage: boolean): Promise<SoakSample> {
  const measures = await (await fetch(`${server.url}/api/debug/process${collectGarbage ? '?gc=1' : ''}`)).json();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
  return { turns, rssMb: mb(measures.rssBytes), heapMb: mb(measures.heapUsedBytes), openFds: measures.openFds, lagP99Ms: measures.eventLoopLagMs.p99, streamListeners: measures.streamListeners };
}

async function oneTurn(server: TestServer, session: Session, turn: number): Promise<void> {
  const response = await postChat(server.url, session.token, randomUUID(), `Soak turn ${turn} [[sim words=80 tps=400]]`);
  const runId = runIdOf(response);
  const readers = [readChunks(await getStream(server.url, session.token, runId, 0)), readChunks(await getStream(server.url, session.token, runId, 5))];
  // A reader that drops its connection after a few chunks and reconnects where it left off.
  const reconnecting = (async () => {
    const seen = await readUntil(await getStream(server.url, session.token, runId, 0), (chunks) => chunks.length >= 4);
    if (seen.at(-1)?.type !== 'finish') await readChunks(await getStream(server.url, session.token, runId, seen.length));
  })();
  if (turn % 10 === 0) {
    await readUntil(response, (chunks) => chunks.length >= 3);
    await stopRun(server.url, session.token, runId);
  } else {
    await readChunks(response);
  }
  await Promise.all([...readers, reconnecting]);
}

export async function soak(server: TestServer, turns: number, concurrency: number, log: (message: string) => void): Promise<SoakResult> {
  const sessions = await Promise.all(Array.from({ length: concurrency }, () => createSession(server.url)));
  const initial = await sample(server, 0, true);
  const samples: SoakSample[] = [initial];
  let baseline: SoakSample | undefined;
  let started = 0;
  let done = 0;
  await Promise.all(
    sessions.map(async (session) => {
      while (started < turns) {
        const turn = started++;
        await oneTurn(server, session, turn);
        done++;
        if (done % 100 === 0) {
          samples.push(await sample(server, done, false));
          log(`soak: ${done}/${turns} turns, RSS ${samples.at(-1)?.rssMb} MB, ${samples.at(-1)?.openFds} fds`);
        }
        if (done === Math.min(500, turns)) baseline = await sample(server, done, true);
      }
    }),
  );
  // Readers and runs wind down; pruning passes keep running.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const final = await sample(server, done, true);
  return { turns: done, concurrency, samples, baseline: baseline ?? initial, final };
}
