import { toAISdkMessages } from '@mastra/ai-sdk/ui';
import type { MastraDBMessage } from '@mastra/core/agent/message-list';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { usageReport } from '../billing/usage-report';
import type { ThreadSummary } from '../chat/list-threads';
import type { ThreadView } from '../chat/read-thread';
import { readBody } from '../client/read-body';
import { AppError } from '../errors';
import type { RunPage } from '../runs/list-runs';
import { apiErrorSchema, runPageSchema, threadListSchema, threadViewSchema, usageReportSchema } from './contracts';

/** The body as the page receives it: serialized by the route, parsed with its contract. */
const received = <S extends z.ZodType>(body: unknown, schema: S) => readBody(Response.json(body), schema);

const usage = { inputTokens: 120, cachedInputTokens: 0, outputTokens: 30, reasoningTokens: 8 };

const view: ThreadView = {
  id: 'thread-1',
  title: 'Weather in Paris',
  messages: [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather in Paris?' }] },
    {
      id: 'reply_wrun_01ABCDEFGHJK',
      role: 'assistant',
      metadata: { modelId: 'simulated', usage, costMicros: 420, outcome: 'completed' },
      parts: [
        { type: 'step-start' },
        { type: 'reasoning', text: 'Look it up.', state: 'done' },
        { type: 'tool-weather', toolCallId: 'call_1', state: 'output-available', input: { city: 'Paris' }, output: { tempC: 21 } },
        { type: 'dynamic-tool', toolName: 'notes', toolCallId: 'call_2', state: 'output-error', input: {}, errorText: 'No notes' },
        { type: 'text', text: 'It is 21 °C.', state: 'done' },
      ],
    },
  ],
  activeRunId: null,
  versions: { u1: [{ id: 'reply_wrun_00ABCDEFGHJK', role: 'assistant', metadata: { outcome: 'aborted' }, parts: [{ type: 'text', text: 'It is' }] }] },
};

describe('thread view contract', () => {
  it('parses what readThread returns, keeping what the page reads', async () => {
    expect(await received(view, threadViewSchema)).toEqual({ messages: view.messages, activeRunId: view.activeRunId, versions: view.versions });
  });

  it("accepts messages as Mastra's memory converts them, with Mastra's own metadata and data parts", async () => {
    const createdAt = new Date('2026-03-01T10:00:00Z');
    const stored: MastraDBMessage[] = [
      { id: 'u1', role: 'user', createdAt, threadId: 'thread-1', resourceId: 'user-1', content: { format: 2, parts: [{ type: 'text', text: 'Weather in Paris?' }] } },
      {
        id: 'reply_wrun_01ABCDEFGHJK',
        role: 'assistant',
        createdAt,
        threadId: 'thread-1',
        resourceId: 'user-1',
        content: {
          format: 2,
          parts: [
            { type: 'step-start' },
            { type: 'tool-invocation', toolInvocation: { state: 'result', toolCallId: 'call_1', toolName: 'weather', args: { city: 'Paris' }, result: { tempC: 21 } } },
            { type: 'text', text: 'It is 21 °C.' },
          ],
        },
      },
    ];
    const [question, answer] = toAISdkMessages(stored, { version: 'v6' });
    // As readThread sends it: the run's charge joins Mastra's metadata, and a data part of Mastra's own is passed along.
    const charged = { ...answer, metadata: { ...(answer?.metadata ?? {}), usage, costMicros: 420 }, parts: [...(answer?.parts ?? []), { type: 'data-om-status', data: { ok: true } }] };
    const parsed = await received({ id: 'thread-1', title: 'Weather', messages: [question, charged], activeRunId: 'wrun_02ABCDEFGHJK', versions: {} }, threadViewSchema);
    expect(parsed.activeRunId).toBe('wrun_02ABCDEFGHJK');
    expect(parsed.messages.map((message) => message.parts.map((part) => part.type))).toEqual([['text'], ['step-start', 'tool-weather', 'text', 'data-om-status']]);
    expect(parsed.messages[1]?.metadata).toEqual({ usage, costMicros: 420 });
  });

  it('takes a thread without messages', async () => {
    expect(await received({ messages: [], activeRunId: null, versions: {} }, threadViewSchema)).toEqual({ messages: [], activeRunId: null, versions: {} });
  });

  it('refuses a drifted view with an error that names the field', async () => {
    await expect(received({ ...view, activeRunId: 42 }, threadViewSchema)).rejects.toThrow('Unexpected response: activeRunId: Invalid input: expected string, received number');
    await expect(received({ ...view, versions: [] }, threadViewSchema)).rejects.toThrow(/^Unexpected response: versions: Invalid input: expected record/);
  });

  it('refuses drifted messages: metadata by its field, parts as the AI SDK validates them', async () => {
    const renamedUsage = view.messages.map((message) => ({ ...message, metadata: { usage: { input: 120, output: 30 } } }));
    await expect(received({ ...view, messages: renamedUsage }, threadViewSchema)).rejects.toThrow(
      'Unexpected response: messages.0.metadata.usage.inputTokens: Invalid input: expected number, received undefined',
    );
    const toolWithoutCallId = [{ id: 'a1', role: 'assistant', parts: [{ type: 'tool-weather', state: 'output-available', input: {}, output: {} }] }];
    await expect(received({ ...view, messages: toolWithoutCallId }, threadViewSchema)).rejects.toThrow('Unexpected response: messages.0.parts.0: not a message part the AI SDK defines');
    await expect(received({ ...view, versions: { u1: [{ id: 'a0', role: 'robot', parts: [] }] } }, threadViewSchema)).rejects.toThrow(/^Unexpected response: versions\.u1\.0\.role: /);
  });
});

describe('runs contract', () => {
  const page: RunPage = {
    runs: [
      {
        runId: 'wrun_01ABCDEFGHJK',
        threadId: 'thread-1',
        threadTitle: null,
        status: 'completed',
        active: false,
        stopped: true,
        stopRequestedAt: '2026-03-01T10:00:02.000Z',
        startedAt: '2026-03-01T10:00:00.000Z',
        endedAt: '2026-03-01T10:00:03.000Z',
        durationMs: 3000,
        chunks: 14,
        attempts: 1,
        charge: { outcome: 'aborted', modelId: 'simulated', inputTokens: 120, outputTokens: 12, costMicros: 99 },
      },
    ],
    nextBefore: null,
  };

  it('parses what listRuns returns', async () => {
    const parsed = await received(page, runPageSchema);
    expect(parsed.runs[0]).toMatchObject({ runId: 'wrun_01ABCDEFGHJK', threadTitle: null, stopped: true, charge: { inputTokens: 120, outputTokens: 12, costMicros: 99 } });
  });

  it('refuses a status the page does not know and a charge of the wrong shape', async () => {
    const drifted = { runs: [{ ...page.runs[0], status: 'stopped', charge: { costMicros: '99' } }] };
    await expect(received(drifted, runPageSchema)).rejects.toThrow(/^Unexpected response: runs\.0\.status: Invalid option: expected one of .*; runs\.0\.charge\.inputTokens: /);
  });
});

describe('thread list and usage contracts', () => {
  it('parse what listThreads and usageReport return', async () => {
    const threads: ThreadSummary[] = [{ id: 'thread-1', title: undefined, updatedAt: '2026-03-01T10:00:00.000Z', active: true }];
    expect(await received({ threads }, threadListSchema)).toEqual({ threads: [{ id: 'thread-1', active: true }] });
    const report: Awaited<ReturnType<typeof usageReport>> = {
      from: '2026-03-01',
      to: '2026-03-02',
      byDay: [{ day: '2026-03-01', modelId: 'simulated', runs: 1, inputTokens: 120, cachedInputTokens: 0, outputTokens: 30, reasoningTokens: 0, costMicros: 420 }],
      totals: { runs: 1, inputTokens: 120, outputTokens: 30, costMicros: 420 },
      runs: [
        { runId: 'wrun_01ABCDEFGHJK', threadId: 'thread-1', modelId: 'simulated', outcome: 'completed', inputTokens: 120, outputTokens: 30, costMicros: 420, createdAt: '2026-03-01T10:00:03.000Z' },
      ],
    };
    expect((await received(report, usageReportSchema)).totals).toEqual(report.totals);
    await expect(received({ ...report, totals: undefined }, usageReportSchema)).rejects.toThrow('Unexpected response: totals: Invalid input: expected object, received undefined');
  });
});

describe('error contract', () => {
  it('parses the body AppError answers with, details included', async () => {
    const response = new AppError('conflict:active_run', 'This thread is still answering the previous message', { details: { activeRunId: 'wrun_01ABCDEFGHJK' } }).toResponse();
    expect(await readBody(response, apiErrorSchema)).toEqual({
      error: { code: 'conflict:active_run', message: 'This thread is still answering the previous message', activeRunId: 'wrun_01ABCDEFGHJK' },
    });
  });

  it('refuses an error body without a message', async () => {
    await expect(received({ error: { code: 'rate_limited:runs' } }, apiErrorSchema)).rejects.toThrow('Unexpected response: error.message: Invalid input: expected string, received undefined');
  });
});
