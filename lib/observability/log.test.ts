import { Writable } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './log';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level, destination });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const token = 'eyJhbGciOiJIUzI1NiJ9.secret-session-token.signature';
const apiKey = 'sk-live-0123456789abcdef';

describe('the logger', () => {
  it('writes one JSON object a line with level name, time and message', () => {
    const { logger, records } = capture();
    logger.child({ runId: 'wrun_1', threadId: 't1', userId: 'u1' }).info({ startIndex: 3 }, 'stream resumed');
    expect(records()).toEqual([expect.objectContaining({ level: 'info', msg: 'stream resumed', runId: 'wrun_1', threadId: 't1', userId: 'u1', startIndex: 3, time: expect.any(String) })]);
  });

  it("writes the debug stream check's report as the quoted message the test servers grep for", () => {
    const { logger, lines } = capture();
    logger.error({ violations: ['text-delta before text-start'] }, 'ui stream violations');
    expect(lines[0]).toContain('"ui stream violations"');
  });

  it('never writes tokens, authorization headers, cookies or API keys, wherever they sit', () => {
    const { logger, lines, records } = capture('debug');
    logger.debug(
      {
        token,
        authorization: `Bearer ${token}`,
        headers: { authorization: `Bearer ${token}`, cookie: `durable_chat_session=${token}`, 'x-api-key': apiKey },
        request: { headers: { Authorization: `Bearer ${token}`, 'set-cookie': token } },
        provider: { apiKey },
        config: { model: { apiKey } },
      },
      'request received',
    );
    const output = lines.join('\n');
    expect(output).not.toContain(token);
    expect(output).not.toContain(apiKey);
    expect(records()[0]).toMatchObject({ token: '[redacted]', headers: { authorization: '[redacted]', cookie: '[redacted]' }, provider: { apiKey: '[redacted]' } });
  });

  it('logs an error by type, message and stack, without the request it carries', () => {
    const { logger, lines, records } = capture();
    const error = Object.assign(new Error('Incorrect API key provided'), { statusCode: 401, requestBodyValues: { messages: [{ content: 'private prompt' }] } });
    logger.error({ err: error }, 'reply failed');
    expect(records()[0]?.err).toMatchObject({ type: 'Error', message: 'Incorrect API key provided', statusCode: 401, stack: expect.any(String) });
    expect(lines.join('\n')).not.toContain('private prompt');
  });

  describe('inside a span', () => {
    const provider = new NodeTracerProvider();
    beforeAll(() => provider.register());
    afterAll(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('adds the trace and span ids', () => {
      const { logger, records } = capture();
      const ids = provider.getTracer('test').startActiveSpan('turn', (span) => {
        logger.info('first token');
        span.end();
        return span.spanContext();
      });
      logger.info('outside');
      expect(records()[0]).toMatchObject({ traceId: ids.traceId, spanId: ids.spanId });
      expect(records()[1]).not.toHaveProperty('traceId');
    });
  });
});
