import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { costMicros, priceOf } from '../../lib/billing/prices';
import { getJson, getStream, getThread, postChat, postChatWith, readChunks, runIdOf, stopRun, streamedTokens, userMessage, useTwoUsers, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer();
const users = useTwoUsers(fixture);

async function ledger(runId: string, token = users.alice.token) {
  const { status, body } = await getJson(fixture.server.url, token, `/api/billing/runs/${runId}`);
  expect(status).toBe(200);
  return body;
}

async function completedTurn(prompt: string) {
  const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), prompt);
  const runId = runIdOf(response);
  const chunks = await readChunks(response);
  await waitForRunEnd(fixture.server.url, users.alice.token, runId);
  return { runId, chunks, ledger: await ledger(runId) };
}

const deltas = streamedTokens;
const usageOf = (row: { inputTokens: number; cachedInputTokens: number; outputTokens: number; reasoningTokens: number }) => ({
  inputTokens: row.inputTokens,
  cachedInputTokens: row.cachedInputTokens,
  outputTokens: row.outputTokens,
  reasoningTokens: row.reasoningTokens,
});

describe('a clean turn', () => {
  it('is charged once for what the model reported, priced in integer micro-dollars', async () => {
    const { chunks, ledger: entry } = await completedTurn('Bill me [[sim words=30 tps=0]]');
    expect(entry.charge).toMatchObject({ outcome: 'completed', modelId: 'simulated', outputTokens: 30 });
    expect(entry.charge.inputTokens).toBeGreaterThan(0);
    expect(entry.charge.costMicros).toBe(costMicros(usageOf(entry.charge), priceOf('simulated')));
    expect(entry.attempts).toEqual([expect.objectContaining({ attempt: 1, outcome: 'completed', source: 'provider', outputTokens: 30 })]);
    expect(deltas(chunks)).toBe(30);
    // The reply carries its usage as message metadata.
    const finish = chunks.at(-1);
    expect(finish?.type === 'finish' && finish.messageMetadata).toEqual({ modelId: 'simulated', usage: usageOf(entry.charge), costMicros: entry.charge.costMicros, outcome: 'completed' });
  });
});

describe('a retried turn', () => {
  it('charges the answer once and keeps the failed attempt as cost of goods', async () => {
    const { ledger: entry } = await completedTurn('Flaky bill [[sim words=30 tps=0 fail_at=9]]');
    expect(entry.charge).toMatchObject({ outcome: 'completed', outputTokens: 30 });
    const [failed, completed] = entry.attempts;
    expect(failed).toMatchObject({ attempt: 1, outcome: 'failed', source: 'provider', outputTokens: 9 });
    expect(completed).toMatchObject({ attempt: 2, outcome: 'completed', outputTokens: 30 });
    // The provider served the same prompt twice.
    expect(failed.inputTokens).toBe(completed.inputTokens);
    expect(usageOf(completed)).toEqual(usageOf(entry.charge));
  });

  it('charges a run that failed for good nothing, and records every attempt it cost', async () => {
    const { ledger: entry } = await completedTurn('Broken bill [[sim words=30 tps=0 fatal_at=4]]');
    expect(entry.charge).toMatchObject({ outcome: 'failed', inputTokens: 0, outputTokens: 0, costMicros: 0 });
    expect(entry.attempts.map((attempt: { outcome: string; outputTokens: number }) => [attempt.outcome, attempt.outputTokens])).toEqual([
      ['failed', 4],
      ['failed', 4],
      ['failed', 4],
      ['failed', 4],
    ]);
  });
});

describe('a stopped turn', () => {
  it('is charged once for what was generated before the stop', async () => {
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Stop billing [[sim words=2000 tps=60]]');
    const runId = runIdOf(response);
    await readChunks(response, 10);
    await stopRun(fixture.server.url, users.alice.token, runId);
    await waitForRunEnd(fixture.server.url, users.alice.token, runId);
    const chunks = await readChunks(await getStream(fixture.server.url, users.alice.token, runId, 0));
    const entry = await ledger(runId);
    expect(entry.charge.outcome).toBe('aborted');
    expect(entry.charge.outputTokens).toBe(deltas(chunks));
    expect(entry.charge.outputTokens).toBeGreaterThan(5);
    expect(entry.attempts).toHaveLength(1);
  });
});

describe('a turn stopped mid-call', () => {
  it('is charged the prompt the provider was sent, as the same prompt completed is', async () => {
    // The same words (the directive's pace aside): the simulated model counts the same prompt.
    const completed = await completedTurn('Bill the prompt [[sim words=30 tps=0]]');
    const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), 'Bill the prompt [[sim words=2000 tps=60]]');
    const runId = runIdOf(response);
    await readChunks(response, 10);
    await stopRun(fixture.server.url, users.alice.token, runId);
    await waitForRunEnd(fixture.server.url, users.alice.token, runId);
    const entry = await ledger(runId);
    expect(entry.charge.outcome).toBe('aborted');
    expect(completed.ledger.charge.inputTokens).toBeGreaterThan(0);
    expect(entry.charge.inputTokens).toBe(completed.ledger.charge.inputTokens);
    expect(entry.attempts).toEqual([expect.objectContaining({ outcome: 'aborted', source: 'estimated', inputTokens: entry.charge.inputTokens })]);
  });
});

describe('disconnects and duplicate posts', () => {
  it('charge every run exactly once', async () => {
    const runs: string[] = [];
    for (let index = 0; index < 6; index++) {
      const response = await postChat(fixture.server.url, users.alice.token, randomUUID(), `Disconnect ${index} [[sim words=25 tps=120]]`);
      runs.push(runIdOf(response));
      await readChunks(response, index * 5);
    }
    const threadId = randomUUID();
    const message = userMessage('Sent twice [[sim words=25 tps=120]]');
    const post = () => postChatWith(fixture.server.url, users.alice.token, { id: threadId, messages: [message] });
    // Sent three times at once, before any of them recorded a run: the copies that lose the race
    // for the thread's lock find the run the first one started and attach to it.
    const duplicates = await Promise.all([post(), post(), post()]);
    expect(duplicates.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(new Set(duplicates.map(runIdOf)).size).toBe(1);
    runs.push(runIdOf(duplicates[0]!));

    for (const runId of runs) {
      await waitForRunEnd(fixture.server.url, users.alice.token, runId);
      const entry = await ledger(runId);
      expect(entry.charge).toMatchObject({ outcome: 'completed', outputTokens: 25 });
      expect(entry.attempts).toHaveLength(1);
    }
    expect((await getThread(fixture.server.url, users.alice.token, threadId)).messages.map((stored) => stored.role)).toEqual(['user', 'assistant']);
    const report = await getJson(fixture.server.url, users.alice.token, '/api/billing/usage');
    const chargedRuns = report.body.runs.map((run: { runId: string }) => run.runId);
    for (const runId of runs) expect(chargedRuns.filter((id: string) => id === runId)).toHaveLength(1);
  });
});

describe('the usage report', () => {
  it("sums the user's charges per day and model, and nobody else's", async () => {
    const { ledger: entry } = await (async () => {
      const response = await postChat(fixture.server.url, users.bob.token, randomUUID(), 'Bob pays [[sim words=12 tps=0]]');
      const runId = runIdOf(response);
      await readChunks(response);
      await waitForRunEnd(fixture.server.url, users.bob.token, runId);
      return { ledger: await ledger(runId, users.bob.token) };
    })();
    const { status, body } = await getJson(fixture.server.url, users.bob.token, '/api/billing/usage');
    expect(status).toBe(200);
    expect(body.byDay).toEqual([expect.objectContaining({ day: entry.charge.day, modelId: 'simulated', runs: 1, outputTokens: 12, costMicros: entry.charge.costMicros })]);
    expect(body.totals).toEqual({ runs: 1, inputTokens: entry.charge.inputTokens, outputTokens: 12, costMicros: entry.charge.costMicros });
  });

  it.each([
    ['a malformed date', '/api/billing/usage?from=2026-13-01', 400, 'bad_request:date'],
    ['an impossible date', '/api/billing/usage?from=2026-02-30', 400, 'bad_request:date'],
    ['from after to', '/api/billing/usage?from=2026-05-02&to=2026-05-01', 400, 'bad_request:date'],
    ['a range over a year', '/api/billing/usage?from=2024-01-01&to=2026-01-01', 400, 'bad_request:date'],
    ['an unknown run', '/api/billing/runs/wrun_01M85JKDGE02D133XYT4HMHYKQ', 404, 'not_found:run'],
    ['a malformed run id', '/api/billing/runs/..%2Fsecrets', 404, 'not_found:run'],
  ])('rejects %s', async (_name, path, status, code) => {
    const response = await getJson(fixture.server.url, users.alice.token, path);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it("hides another user's run", async () => {
    const { runId } = await completedTurn('Private [[sim words=3 tps=0]]');
    const response = await getJson(fixture.server.url, users.bob.token, `/api/billing/runs/${runId}`);
    expect(response.status).toBe(404);
  });
});
