import type { LanguageModelV3, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { wrapLanguageModel } from 'ai';

const tracer = trace.getTracer('durable-chat');

/** The run a model call belongs to, put on its span. */
export interface ModelCallScope {
  /** The workflow run, or the request id of the benchmark's request-bound baseline. */
  runId: string | undefined;
  /** The reply step's attempt number. */
  attempt: number;
}

function recordUsage(span: Span, usage: LanguageModelV3Usage): void {
  span.setAttributes({
    'gen_ai.usage.input_tokens': usage.inputTokens.total ?? 0,
    'gen_ai.usage.output_tokens': usage.outputTokens.total ?? 0,
  });
}

function recordError(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * The model with one span per call (`chat <model id>`, OpenTelemetry GenAI conventions): model,
 * run, attempt, finish reason and tokens. A streaming call's span lasts until its stream ends,
 * fails, is cancelled or aborted (a Stop).
 */
export function traceModelCalls(model: LanguageModelV3, scope: ModelCallScope): LanguageModelV3 {
  const startSpan = () =>
    tracer.startSpan(`chat ${model.modelId}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': model.provider,
        'gen_ai.request.model': model.modelId,
        ...(scope.runId === undefined ? {} : { 'workflow.run.id': scope.runId }),
        'chat.reply.attempt': scope.attempt,
      },
    });
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: 'v3',
      wrapGenerate: async ({ doGenerate }) => {
        const span = startSpan();
        try {
          const result = await context.with(trace.setSpan(context.active(), span), doGenerate);
          span.setAttribute('gen_ai.response.finish_reasons', [result.finishReason.unified]);
          recordUsage(span, result.usage);
          return result;
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
      wrapStream: async ({ doStream, params }) => {
        const span = startSpan();
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          params.abortSignal?.removeEventListener('abort', onAbort);
          span.end();
        };
        const onAbort = () => {
          span.setAttribute('chat.reply.aborted', true);
          end();
        };
        params.abortSignal?.addEventListener('abort', onAbort, { once: true });
        try {
          const result = await context.with(trace.setSpan(context.active(), span), doStream);
          // `cancel` (a reader that stops reading) is in the Streams standard and Node, not yet in TS's lib.
          const transformer: Transformer<LanguageModelV3StreamPart, LanguageModelV3StreamPart> & { cancel: () => void } = {
            transform(part, controller) {
              if (part.type === 'finish') {
                span.setAttribute('gen_ai.response.finish_reasons', [part.finishReason.unified]);
                recordUsage(span, part.usage);
              } else if (part.type === 'error') {
                recordError(span, part.error);
              }
              controller.enqueue(part);
            },
            flush: end,
            cancel: end,
          };
          return { ...result, stream: result.stream.pipeThrough(new TransformStream(transformer)) };
        } catch (error) {
          recordError(span, error);
          end();
          throw error;
        }
      },
    },
  });
}
