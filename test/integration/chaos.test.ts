import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '@/lib/stream/clean-replay';
import { validateUIStream } from '@/lib/stream/validate-stream';
import { LiveReader, type LiveUrls, percentile, seeded, sendQueued, stopQueued, untilAnswered } from '../support/chaos';
import { assemble, createSession, getJson, getStream, getThread, readChunks, textOf } from '../support/chat-client';
import { createTestDatabase, dropTestDatabase, testsUsePostgres } from '../support/postgres';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';
import { queryAppDatabase } from '../support/tool-turns';

/**
 * Issue 23: SIGKILLs at random moments, for about a minute, under many concurrent and queued
 * turns (tools, Stops, provider retries). Afterwards every run has ended, every stream ends with
 * `finish`, every thread holds each turn once and in order, every run is charged once and every
 * note is written once. Embedded: the one instance is killed and restarted. PostgreSQL: one of
 * two instances is killed while the other keeps serving, then restarted.
 */
const chaosMs = 40_000;
const threadCount = testsUsePostgres ? 10 : 8;
const turnsPerThread = 3;

type Kind = 'plain' | 'tools' | 'retry' | 'stop';
interface Turn {
  threadId: string;
  messageId: string;
  kind: Kind;
  runId?: string;
  reader?: LiveReader;
}

function prompt(kind: Kind, random: () => number): string {
  const words = 30 + Math.floor(random() * 60);
  switch (kind) {
    case 'plain':
      return `Chaos plain [[sim words=${words} tps=60]]`;
    case 'tools':
      return `Chaos tools [[sim words=${words} tps=60 tools=${random() < 0.5 ? 'weather,save_note' : 'research,save_note'}]]`;
    case 'retry':
      return `Chaos retry [[sim words=${words} tps=60 fail_at=${5 + Math.floor(random() * 20)}]]`;
    case 'stop':
      return `Chaos stop [[sim words=300 tps=40]]`;
  }
}

const instances: TestServer[] = [];
const linesAbout = (runId: string) =>
  allServers
    .flatMap((server) => server.output().split('\n'))
    .filter((line) => line.includes(runId))
    .slice(-40)
    .join('\n');
const allServers: TestServer[] = [];
let databaseUrl: string | undefined;

afterAll(async () => {
  for (const server of instances) await server.stop();
  for (const server of allServers) expectNoStreamViolations(server.output());
  for (const dataDir of new Set(allServers.map((server) => server.dataDir))) await removeDataDir(dataDir);
  if (databaseUrl) await dropTestDatabase(databaseUrl);
});

describe('chaos: random SIGKILLs under concurrent and queued turns', () => {
  it('ends every run, once, in order, charged once', { timeout: 240_000 }, async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100_000);
    console.log(`chaos seed ${seed} (rerun with CHAOS_SEED=${seed})`);
    const random = seeded(seed);
    databaseUrl = testsUsePostgres ? await createTestDatabase() : undefined;
    const start = (options: { dataDir?: string; port?: number } = {}) => startServer({ ...options, databaseUrl: databaseUrl ?? '' });
    instances.push(...(await Promise.all((testsUsePostgres ? [0, 1] : [0]).map(() => start()))));
    allServers.push(...instances);
    const down = new Set<number>();
    const urls: LiveUrls = () => instances.filter((_, index) => !down.has(index)).map((server) => server.url);
    const session = await createSession(instances[0]!.url);

    const kinds: Kind[] = ['plain', 'tools', 'retry', 'stop', 'plain', 'tools'];
    const turns: Turn[][] = Array.from({ length: threadCount }, () => {
      const threadId = randomUUID();
      return Array.from({ length: turnsPerThread }, () => ({ threadId, messageId: randomUUID(), kind: kinds[Math.floor(random() * kinds.length)]! }));
    });
    const stopped = new Set<string>();
    const follow = (turn: Turn) => {
      turn.reader = new LiveReader(urls, random, session.token, turn.runId!, (reader) => {
        if (turn.kind !== 'stop' || stopped.has(turn.runId!)) return;
        if (reader.chunks.filter((chunk) => chunk.type === 'text-delta').length < 5) return;
        stopped.add(turn.runId!);
        void stopQueued(urls, random, session.token, turn.runId!);
      });
    };
    // Each thread sends its messages one after another at random moments of the first half,
    // without waiting for answers: the later ones queue behind the earlier.
    const sending = Promise.all(
      turns.map(async (thread) => {
        for (const turn of thread) {
          await sleep(random() * (chaosMs / 2 / turnsPerThread));
          turn.runId = await sendQueued(urls, random, session.token, turn.threadId, prompt(turn.kind, random), turn.messageId);
          follow(turn);
        }
      }),
    );

    // Every 2-5 s a live instance is killed and restarted in the background; with two
    // instances the other may be killed while the first is still booting.
    const crashes: number[] = [];
    const restarts: number[] = [];
    const restarting: Promise<void>[] = [];
    const chaosEnds = Date.now() + chaosMs;
    while (Date.now() < chaosEnds) {
      await sleep(2_000 + random() * 3_000);
      while (urls().length === 0) await sleep(50);
      const live = instances.map((_, index) => index).filter((index) => !down.has(index));
      const victim = live[Math.floor(random() * live.length)]!;
      const server = instances[victim]!;
      down.add(victim);
      const crashedAt = Date.now();
      crashes.push(crashedAt);
      const slot = restarts.push(Number.NaN) - 1;
      await server.crash();
      restarting.push(
        start({ dataDir: server.dataDir, port: server.port }).then((restarted) => {
          restarts[slot] = Date.now() - crashedAt;
          instances[victim] = restarted;
          allServers.push(restarted);
          down.delete(victim);
        }),
      );
    }
    await Promise.all(restarting);
    await sending;
    const all = turns.flat();
    const drained = Promise.all(all.map((turn) => turn.reader!.done));
    await Promise.race([
      drained,
      sleep(90_000).then(() =>
        Promise.reject(
          new Error(
            `streams still open: ${all
              .filter((turn) => !turn.reader!.finished)
              .map((turn) => turn.runId)
              .join(', ')}`,
          ),
        ),
      ),
    ]);
    console.log(`chaos: ${all.length} runs, ${crashes.length} SIGKILLs, ${stopped.size} Stops; crash to healthy restart: p50 ${percentile(restarts, 0.5)} ms, max ${Math.max(...restarts)} ms`);

    // From each crash to the next chunk of every run that was streaming when it struck (a run
    // the next crash caught first counts for that one), and from the restart to that chunk.
    const recoveries = crashes.flatMap((crash, index) =>
      all.flatMap((turn) => {
        const reader = turn.reader!;
        const next = reader.firstArrivalAfter(crash);
        const streaming = reader.arrivals.some((arrival) => arrival < crash) && next !== undefined;
        if (!streaming || next > (crashes[index + 1] ?? Number.POSITIVE_INFINITY)) return [];
        return [{ fromCrash: next - crash, fromRestart: Math.max(0, next - crash - restarts[index]!) }];
      }),
    );
    const fromCrash = recoveries.map((each) => each.fromCrash);
    const fromRestart = recoveries.map((each) => each.fromRestart);
    if (recoveries.length > 0) {
      console.log(
        `recovery over ${recoveries.length} interrupted streams: crash to next chunk p50 ${percentile(fromCrash, 0.5)} ms, p90 ${percentile(fromCrash, 0.9)} ms, max ${Math.max(...fromCrash)} ms; ` +
          `restarted instance healthy to next chunk p50 ${percentile(fromRestart, 0.5)} ms, max ${Math.max(...fromRestart)} ms`,
      );
    }
    expect(Math.max(0, ...fromCrash)).toBeLessThan(60_000);

    const url = () => urls()[0]!;
    for (const turn of all) {
      const { body: run } = await untilAnswered(urls, random, (base) => getJson(base, session.token, `/api/chat/${turn.runId}`));
      if (run.status !== 'completed') console.log(`run ${turn.runId} ended ${run.status}; its server lines:\n${linesAbout(turn.runId!)}`);
      expect({ runId: turn.runId, status: run.status }).toEqual({ runId: turn.runId, status: 'completed' });
      const chunks = turn.reader!.chunks;
      expect(validateUIStream(chunks)).toEqual([]);
      // The live reader stops at the first `finish`; the whole stream, read again from its
      // start, must hold exactly what it saw (a second closing write would show only here),
      // without the attempts crashes abandoned, which a finished stream's replay leaves out.
      const replay = await untilAnswered(urls, random, async (base) => readChunks(await getStream(base, session.token, turn.runId!, 0)));
      expect(replay, `stream of ${turn.runId}`).toEqual(finishedStreamReplay(chunks, 0).chunks);
      const { body: ledger } = await getJson(url(), session.token, `/api/billing/runs/${turn.runId}`);
      // A Stop can land after its turn finished (after a crash it often does): the charge
      // follows how the stream ended.
      const aborted = chunks.some((chunk) => chunk.type === 'abort');
      if (aborted) expect(stopped.has(turn.runId!), `stream of ${turn.runId} aborted without a Stop`).toBe(true);
      expect(ledger.charge?.outcome, `charge of ${turn.runId}`).toBe(aborted ? 'aborted' : 'completed');
      if (turn.kind === 'tools') {
        const [notes] = await queryAppDatabase(instances[0]!, 'select count(*) as n from notes where run_id = ?', [turn.runId!]);
        expect(Number(notes?.n), `notes of ${turn.runId}`).toBe(1);
      }
    }
    const report = await getJson(url(), session.token, '/api/billing/usage');
    expect(report.body.totals.runs).toBe(all.length);

    for (const thread of turns) {
      const stored = await getThread(url(), session.token, thread[0]!.threadId);
      const expected = thread.flatMap((turn) => {
        const reply = stored.messages.some((message) => message.id === `reply_${turn.runId}`);
        // A turn stopped before its first word keeps no answer; every other turn keeps one.
        return [`user:${turn.messageId}`, ...(reply || !stopped.has(turn.runId!) ? [`assistant:reply_${turn.runId}`] : [])];
      });
      expect(stored.messages.map((message) => `${message.role}:${message.id}`)).toEqual(expected);
      // Each stored answer is what its stream showed, crashes and Stops notwithstanding.
      for (const turn of thread) {
        const reply = stored.messages.find((message) => message.id === `reply_${turn.runId}`);
        if (reply) expect(textOf(reply), `answer of ${turn.runId}`).toBe(textOf(await assemble(turn.reader!.chunks)));
      }
    }
  });
});
