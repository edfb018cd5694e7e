import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, postChat, readChunks, runIdOf, waitForRunEnd } from '../support/chat-client';
import { logRecords } from '../support/logs';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';

let receiver: OtlpReceiver;
let server: TestServer;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  server = await startServer({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_SERVICE_NAME: 'durable-chat-test', OTEL_BSP_SCHEDULE_DELAY: '100' },
  });
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  if (server) {
    await removeDataDir(server.dataDir);
    expectNoStreamViolations(server.output());
  }
});

const named = (spans: readonly ReceivedSpan[], pattern: RegExp) => spans.filter((span) => pattern.test(span.name));

describe('tracing over OTLP', () => {
  it('puts one chat turn in one trace: the route, the workflow run, its steps and the model call', async () => {
    const { token } = await createSession(server.url);
    const response = await postChat(server.url, token, randomUUID(), 'Trace me [[sim words=8 tps=0]]');
    const runId = runIdOf(response);
    await readChunks(response);
    expect(await waitForRunEnd(server.url, token, runId)).toBe('completed');

    const modelCall = (spans: readonly ReceivedSpan[]) => spans.find((span) => span.name === 'chat simulated' && span.attributes['workflow.run.id'] === runId);
    await receiver.waitFor((spans) => {
      const model = modelCall(spans);
      if (!model) return false;
      const trace = spans.filter((span) => span.traceId === model.traceId);
      // Spans are exported in batches as they end, children before their parents: wait until
      // every span's parent has arrived too, so only the route's span is without one.
      const ids = new Set(trace.map((span) => span.spanId));
      const orphans = trace.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId));
      return named(trace, /^STEP .*finishTurn$/).length > 0 && named(trace, /^POST \/api\/chat$/).length > 0 && orphans.every((span) => span.name === 'POST /api/chat');
    });
    const model = modelCall(receiver.spans)!;
    const trace = receiver.spans.filter((span) => span.traceId === model.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const ancestry = (span: ReceivedSpan): string[] => {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      return parent ? [parent.name, ...ancestry(parent)] : [];
    };
    const names = trace.map((span) => span.name);

    const root = trace.filter((span) => span.parentSpanId === undefined || !byId.has(span.parentSpanId));
    expect(root.map((span) => span.name)).toEqual(['POST /api/chat']);
    const workflow = 'workflow//./workflows/chat/index//chatTurnWorkflow';
    expect(names).toEqual(expect.arrayContaining([`workflow.start ${workflow}`, `WORKFLOW ${workflow}`, 'queue.publish', 'step.execute']));
    for (const step of ['stream-agent-reply//streamAgentReply', 'finish-turn//finishTurn']) {
      expect(names).toContain(`STEP step//./workflows/chat/steps/${step}`);
    }
    // The model call sits in the reply step, which the workflow started from inside the route.
    expect(ancestry(model)).toEqual(
      expect.arrayContaining(['step.execute', 'STEP step//./workflows/chat/steps/stream-agent-reply//streamAgentReply', `WORKFLOW ${workflow}`, `workflow.start ${workflow}`, 'POST /api/chat']),
    );
    expect(ancestry(model)[0]).toBe('step.execute');
    expect(model).toMatchObject({
      serviceName: 'durable-chat-test',
      attributes: expect.objectContaining({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'simulated',
        'gen_ai.response.finish_reasons': ['stop'],
        'chat.reply.attempt': 1,
        'gen_ai.usage.output_tokens': expect.any(Number),
      }),
    });
    expect(model.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
  });

  it('puts the trace id on the log lines written inside the trace', async () => {
    const { token } = await createSession(server.url);
    const response = await postChat(server.url, token, randomUUID(), 'Log me [[sim words=4 tps=0]]');
    const runId = runIdOf(response);
    await readChunks(response);
    await waitForRunEnd(server.url, token, runId);
    const spans = await receiver.waitFor((received) => received.some((span) => span.name === 'chat simulated' && span.attributes['workflow.run.id'] === runId));
    const traceId = spans.find((span) => span.attributes['workflow.run.id'] === runId)?.traceId;
    const lines = logRecords(server.output()).filter((record) => record.runId === runId);
    expect(lines.map((record) => record.msg)).toEqual(expect.arrayContaining(['turn started', 'first token', 'reply finished', 'run ended']));
    for (const line of lines) expect(line.traceId).toBe(traceId);
  });
});
