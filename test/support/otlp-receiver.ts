import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** One span as an OTLP/HTTP exporter sent it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  serviceName: string | undefined;
  attributes: Record<string, unknown>;
}

/**
 * A loopback OTLP/HTTP trace receiver speaking the JSON encoding (what
 * `@opentelemetry/exporter-trace-otlp-http` sends), so a test sees the spans a real server exports.
 */
export interface OtlpReceiver {
  /** For `OTEL_EXPORTER_OTLP_ENDPOINT`: the exporter posts to `<endpoint>/v1/traces`. */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Waits until `done` holds for the spans received so far. */
  waitFor: (done: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number) => Promise<ReceivedSpan[]>;
  close: () => Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
/** The fields of an OTLP/JSON trace export that the receiver reads. */
type WireSpan = { traceId?: string; spanId?: string; parentSpanId?: string; name: string; attributes?: KeyValue[] };
type TraceExport = { resourceSpans?: Array<{ resource?: { attributes?: KeyValue[] }; scopeSpans?: Array<{ spans?: WireSpan[] }> }> };

function decoded(value: AnyValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decoded);
  return value.stringValue ?? (value.intValue === undefined ? undefined : Number(value.intValue)) ?? value.doubleValue ?? value.boolValue;
}

const attributesOf = (list: KeyValue[] | undefined) => Object.fromEntries((list ?? []).map(({ key, value }) => [key, decoded(value)]));

// The JSON encoding carries ids as hex; tolerate base64 (the protobuf-JSON mapping) too.
const hexId = (id: string | undefined) => (id === undefined || id === '' ? undefined : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));

function spansOf(body: TraceExport): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const serviceName = attributesOf(resourceSpans.resource?.attributes)['service.name'] as string | undefined;
    return (resourceSpans.scopeSpans ?? []).flatMap((scopeSpans) =>
      (scopeSpans.spans ?? []).map((span) => ({
        traceId: hexId(span.traceId) ?? '',
        spanId: hexId(span.spanId) ?? '',
        parentSpanId: hexId(span.parentSpanId),
        name: span.name,
        serviceName,
        attributes: attributesOf(span.attributes),
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    if (request.method !== 'POST' || request.url !== '/v1/traces' || !request.headers['content-type']?.includes('json')) {
      response.writeHead(415).end();
      return;
    }
    spans.push(...spansOf(JSON.parse(text) as TraceExport));
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    waitFor: async (done, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done(spans)) {
        if (Date.now() > deadline) throw new Error(`spans not received in time; got: ${spans.map((span) => span.name).join(', ')}`);
        await sleep(100);
      }
      return spans;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
