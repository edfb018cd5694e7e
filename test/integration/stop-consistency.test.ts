import { randomUUID } from 'node:crypto';
import type { UIMessage, UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { announcedMessageId, assemble, getJson, getStream, getThread, postChat, readChunks, runIdOf, stopRun, streamedTokens, textOf, useTwoUsers, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';
import { comparableParts, queryAppDatabase } from '../support/tool-turns';

/**
 * Property: whenever a Stop lands, the reply memory keeps is the one every client was shown, and
 * the run is charged once, for its input too. Turns of four shapes are stopped at seeded random
 * moments, in concurrent batches, half of them through `DELETE /api/chat/{runId}` and half by
 * recording the Stop in the database the way another instance does, which the reply step
 * notices by polling. `STOP_SEED=N` replays a failing run.
 */
const seed = Number(process.env.STOP_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`stop-consistency seed: ${seed} (STOP_SEED=${seed} replays it)`);

/** mulberry32: a small seeded generator, so a failing schedule can be replayed. */
function seededRandom(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// At 40 tokens/s each shape lasts about eight seconds (the research tool works for one), well
// past the latest Stop, so on a loaded machine too most Stops land mid-turn.
const shapes = [
  (n: number) => `Summarize #${n} [[sim words=320 tps=40]]`,
  (n: number) => `Check #${n} [[sim words=300 tps=40 tools=weather]]`,
  (n: number) => `Plan #${n} [[sim words=290 tps=40 tools=weather,save_note]]`,
  (n: number) => `Dig #${n} [[sim words=250 tps=40 tools=research,weather]]`,
] as const;
const turns = 52;
const batchSize = 13;
const longestStopMs = 2_800;

const fixture = useTestServer({ env: { SLOW_TOOL_MS: '1000' } });
const users = useTwoUsers(fixture);

interface Turn {
  n: number;
  prompt: string;
  stopAfterMs: number;
  byPoll: boolean;
}

const random = seededRandom(seed);
const schedule: Turn[] = Array.from({ length: turns }, (_, n) => ({
  n,
  prompt: shapes[n % shapes.length]!(n),
  stopAfterMs: Math.floor(random() * longestStopMs),
  byPoll: random() < 0.5,
}));

/** A Stop another instance recorded: only the flag, which the reply step polls. */
async function recordStop(runId: string): Promise<void> {
  await queryAppDatabase(fixture.server, `update chat_runs set cancel_requested_at = '${new Date().toISOString()}' where run_id = ?`, [runId]);
}

/** The live response read to its end, and when its first chunk arrived. */
function readLive(response: Response): { started: Promise<void>; chunks: Promise<UIMessageChunk[]> } {
  const [first, rest] = response.body!.tee();
  const started = readChunks(new Response(first), 1).then(() => undefined);
  return { started, chunks: readChunks(new Response(rest)) };
}

async function stoppedTurn(turn: Turn) {
  const { url } = fixture.server;
  const { token } = users.alice;
  const threadId = randomUUID();
  const response = await postChat(url, token, threadId, turn.prompt);
  const runId = runIdOf(response);
  // The moment is counted from the reply's first chunk: on a loaded machine a run may start late.
  const live = readLive(response);
  await live.started;
  await new Promise((resolve) => setTimeout(resolve, turn.stopAfterMs));
  if (turn.byPoll) await recordStop(runId);
  else expect((await stopRun(url, token, runId)).status).toBe(202);
  const liveChunks = await live.chunks;
  expect(await waitForRunEnd(url, token, runId, 30_000)).toBe('completed');
  const replay = await readChunks(await getStream(url, token, runId, 0));
  const thread = await getThread(url, token, threadId);
  const { body: ledger } = await getJson(url, token, `/api/billing/runs/${runId}`);
  const charges = await queryAppDatabase(fixture.server, 'select count(*) as n from billing_charges where run_id = ?', [runId]);
  return { runId, liveChunks, replay, thread, ledger, charges: Number(charges[0]?.n ?? 0) };
}

function describeTurn(turn: Turn, runId: string): string {
  return `turn ${turn.n} "${turn.prompt}" stopped after ${turn.stopAfterMs} ms ${turn.byPoll ? 'by the poll' : 'directly'} (run ${runId}, seed ${seed})`;
}

async function expectStoredAsShown(turn: Turn, result: Awaited<ReturnType<typeof stoppedTurn>>): Promise<void> {
  const { runId, liveChunks, replay, thread, ledger, charges } = result;
  const context = describeTurn(turn, runId);
  expect(JSON.stringify(validateUIStream(replay)), context).toBe('[]');
  expect(liveChunks, context).toEqual(replay);
  const shown = await assemble(replay);
  const stored: UIMessage | undefined = thread.messages[1];
  expect(thread.messages.length, context).toBeLessThanOrEqual(2);
  if (stored) expect(stored.id, context).toBe(announcedMessageId(replay));
  expect(textOf(stored), context).toBe(textOf(shown));
  expect(comparableParts(stored), context).toEqual(comparableParts(shown));

  expect(charges, context).toBe(1);
  expect(['aborted', 'completed'], context).toContain(ledger.charge.outcome);
  expect(ledger.attempts, context).toHaveLength(1);
  // Every turn had sent its prompt before the Stop could land, and providers bill a prompt sent.
  expect(ledger.charge.inputTokens, context).toBeGreaterThan(0);
  // The simulated model's tokens are words or longer, so its output is at least the words shown.
  expect(ledger.charge.outputTokens, context).toBeGreaterThanOrEqual(streamedTokens(replay));
}

describe('a Stop at any moment', () => {
  it(`stores exactly what the stream showed and charges once (${turns} turns, seed ${seed})`, { timeout: 240_000 }, async () => {
    const outcomes = new Map<string, number>();
    for (let start = 0; start < schedule.length; start += batchSize) {
      const batch = schedule.slice(start, start + batchSize);
      const results = await Promise.all(batch.map(stoppedTurn));
      for (const [index, result] of results.entries()) {
        await expectStoredAsShown(batch[index]!, result);
        outcomes.set(result.ledger.charge.outcome, (outcomes.get(result.ledger.charge.outcome) ?? 0) + 1);
      }
    }
    console.log(`stop-consistency outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`);
    // Stops are drawn within the first 2.8 s of turns that last about 8 s: most land mid-turn.
    expect(outcomes.get('aborted') ?? 0).toBeGreaterThan(turns / 4);
  });
});
