import type { Session } from '../test/support/chat-client';
import { watchProcess } from './process-metrics';
import { round, type Summary, summarize } from './stats';
import type { WriteCounter } from './storage-writes';
import type { ChatSystem } from './systems';
import { isDelta, readTimed } from './timed-stream';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One turn: POST to the first delta a client sees, in ms (undefined if none came). */
async function firstTokenMs(system: ChatSystem, session: Session, text: string): Promise<number | undefined> {
  const startedAt = performance.now();
  const { response } = await system.start(session, text);
  const first = (await readTimed(response)).find(({ chunk }) => isDelta(chunk));
  return first && first.at - startedAt;
}

const defined = (values: Array<number | undefined>) => values.filter((value) => value !== undefined);

/** POST to first token (first delta) a client sees, in ms. */
export async function timeToFirstToken(system: ChatSystem, session: Session, runs: number): Promise<Summary> {
  const values: Array<number | undefined> = [];
  for (let run = 0; run < runs; run++) values.push(await firstTokenMs(system, session, `First token ${run} [[sim words=30 tps=40]]`));
  return summarize(defined(values));
}

/**
 * What admission control costs a turn: time to first token on two servers that differ only in
 * their rate limits, sampled alternately so both see the same machine.
 */
export async function admissionCost(off: { system: ChatSystem; session: Session }, on: { system: ChatSystem; session: Session }, runs: number): Promise<{ off: Summary; on: Summary }> {
  const values = { off: [] as Array<number | undefined>, on: [] as Array<number | undefined> };
  for (let run = 0; run < runs; run++) {
    for (const [key, side] of [
      ['off', off],
      ['on', on],
    ] as const)
      values[key].push(await firstTokenMs(side.system, side.session, `Admission ${run} [[sim words=5 tps=40]]`));
  }
  return { off: summarize(defined(values.off)), on: summarize(defined(values.on)) };
}

/** Tokens per second through one stream with the model as fast as it goes, request to last token. */
export async function sustainedThroughput(system: ChatSystem, session: Session, runs: number, words: number): Promise<Summary> {
  const values: number[] = [];
  for (let run = 0; run < runs; run++) {
    const startedAt = performance.now();
    const { response } = await system.start(session, `Throughput ${run} [[sim words=${words} tps=0]]`);
    const last = (await readTimed(response)).findLast(({ chunk }) => isDelta(chunk));
    // From the request to the last token, so systems that deliver tokens in fewer, larger
    // deltas are timed alike; the simulated model streams exactly `words` tokens.
    if (last) values.push((words / (last.at - startedAt)) * 1000);
  }
  return summarize(values);
}

async function reconnectLatency(system: ChatSystem, session: Session, handle: string, startIndex: number): Promise<number | null> {
  if (!system.resume) return null;
  const startedAt = performance.now();
  const response = await system.resume(session, handle, startIndex);
  if (response.status !== 200) {
    await response.body?.cancel();
    return null;
  }
  const [first] = await readTimed(response, 1);
  return first ? first.at - startedAt : null;
}

/** Reconnect to first replayed chunk, for a run still streaming and for one that has finished. */
export async function resumeLatency(system: ChatSystem, session: Session, samples: number): Promise<{ inProgress: Summary | null; finished: Summary | null }> {
  if (!system.resume) return { inProgress: null, finished: null };
  const { response, handle } = await system.start(session, 'Resume me [[sim words=600 tps=40]]');
  const head = await readTimed(response, 20);
  const live: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const latency = await reconnectLatency(system, session, handle, head.length);
    if (latency !== null) live.push(latency);
  }
  // Let the turn finish (600 tokens at 40/s), then reconnect to the finished run.
  const rest = await system.resume(session, handle, head.length);
  if (rest.status === 200) await readTimed(rest);
  await sleep(500);
  const done: number[] = [];
  for (let sample = 0; sample < samples && system.resumesFinished; sample++) {
    const latency = await reconnectLatency(system, session, handle, head.length);
    if (latency !== null) done.push(latency);
  }
  return { inProgress: live.length ? summarize(live) : null, finished: done.length ? summarize(done) : null };
}

export interface ConcurrencyResult {
  turns: number;
  completed: number;
  /** Streams that ended without `finish` or failed to start. */
  lost: number;
  /** POST to first delta, under this load (queueing included). */
  firstTokenMs: Summary;
  gapMs: Summary;
  wallSeconds: number;
  cpuPercentOfOneCore: number;
  peakRssMb: number;
}

/** N turns at once, each at 40 tokens/s: gaps between deltas a client sees, CPU and memory. */
export async function concurrentTurns(system: ChatSystem, session: Session, turns: number, serverPid: number, words = 80, deadlineMs = 180_000): Promise<ConcurrencyResult> {
  const watcher = await watchProcess(serverPid);
  const startedAt = performance.now();
  // A level that has not finished by the deadline counts its unfinished streams as lost.
  const deadline = AbortSignal.timeout(deadlineMs);
  const results = await Promise.all(
    Array.from({ length: turns }, async (_, index) => {
      try {
        const postedAt = performance.now();
        const { response } = await system.start(session, `Concurrent ${index} [[sim words=${words} tps=40]]`, deadline);
        if (response.status !== 200) return { finished: false, gaps: [] as number[], firstToken: undefined };
        const chunks = await readTimed(response, Number.POSITIVE_INFINITY, deadline);
        const deltas = chunks.filter(({ chunk }) => isDelta(chunk));
        const gaps = deltas.slice(1).map((delta, at) => delta.at - (deltas[at] as { at: number }).at);
        const firstToken = deltas[0] ? deltas[0].at - postedAt : undefined;
        return { finished: chunks.at(-1)?.chunk.type === 'finish', gaps, firstToken };
      } catch {
        return { finished: false, gaps: [] as number[], firstToken: undefined };
      }
    }),
  );
  const wallSeconds = round((performance.now() - startedAt) / 1000);
  const usage = await watcher.stop();
  const completed = results.filter((result) => result.finished).length;
  const firstTokens = results.flatMap((result) => (result.firstToken === undefined ? [] : [result.firstToken]));
  return { turns, completed, lost: turns - completed, firstTokenMs: summarize(firstTokens), gapMs: summarize(results.flatMap((result) => result.gaps)), wallSeconds, ...usage };
}

/** CPU seconds the server spent per turn at one concurrency level. */
export const cpuSecondsPerTurn = (row: ConcurrencyResult) => round(((row.cpuPercentOfOneCore / 100) * row.wallSeconds) / row.turns, 3);

/** Durable writes (and bytes) per 1,000 streamed tokens, from one turn of `words` tokens. */
export async function writesPerThousandTokens(system: ChatSystem, session: Session, counter: WriteCounter, words = 1000) {
  const before = await counter.read();
  const { response } = await system.start(session, `Writes [[sim words=${words} tps=0]]`);
  await readTimed(response);
  await sleep(1000);
  const after = await counter.read();
  // The simulated model streams exactly `words` tokens, however they are grouped into chunks.
  const perThousand = (value: number) => round((value / words) * 1000, 1);
  return {
    tokens: words,
    writes: perThousand(after.writes - before.writes),
    bytes: before.bytes === null || after.bytes === null ? null : perThousand(after.bytes - before.bytes),
  };
}
