import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A loopback server speaking the OpenAI chat-completions streaming protocol, so tests drive the
 * real provider code (HTTP, SSE parsing, usage, errors, aborts) without a vendor. The last user
 * message steers it:
 * - `[[stub unauthorized]]` answers 401;
 * - `[[stub words=N ms=M]]` streams N words, one every M milliseconds (a slow model to stop);
 * - `[[stub tool=NAME]]` first calls tool NAME with `{"topic": …}`, then answers once the
 *   request carries the tool's result.
 * - `[[stub numbered]]` starts the answer with `Reply<N>:`, N counting the stub's requests.
 * Otherwise it streams `stubWords` at once. Like OpenAI, it refuses (400) a history in which an
 * assistant tool call has no tool result. Every request is recorded with how it ended:
 * `completed`, or `disconnected` when the client closed the connection mid-stream.
 */
export interface StubRequest {
  model: string;
  lastUserText: string;
  /** The request carried a tool result: the agent's step after a tool call. */
  afterToolResult: boolean;
  startedAt: number;
  /** Undefined while the response is still streaming. */
  ended: { how: 'completed' | 'disconnected'; at: number } | undefined;
  wordsSent: number;
  /** Why the stub refused the request (400), as OpenAI would. */
  rejected?: string;
  /** 1 for the stub's first request, and so on (`[[stub numbered]]` starts the answer with it). */
  ordinal: number;
  /** The conversation the model was sent, one entry a message: its role and its text. */
  prompt: Array<{ role: string; text: string }>;
}

export interface OpenAIStub {
  baseURL: string;
  requests: StubRequest[];
  close: () => Promise<void>;
}

/** The fields of an OpenAI chat-completions request that the stub reads. */
interface WireMessage {
  role: string;
  content: string | Array<{ text?: string }>;
  tool_calls?: Array<{ id: string }>;
  tool_call_id?: string;
}

interface CompletionRequest {
  model: string;
  messages?: WireMessage[];
}

async function readBody(request: IncomingMessage): Promise<CompletionRequest> {
  let text = '';
  for await (const chunk of request) text += chunk;
  return JSON.parse(text) as CompletionRequest;
}

function lastUserText(body: CompletionRequest): string {
  const user = [...(body.messages ?? [])].reverse().find((message) => message.role === 'user');
  if (!user) return '';
  return typeof user.content === 'string' ? user.content : user.content.map((part) => part.text ?? '').join('');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((part: { text?: unknown } | null | undefined) => (typeof part?.text === 'string' ? part.text : '')).join('');
}

function directive(text: string): Map<string, string> {
  const fields = /\[\[stub\b([^\]]*)\]\]/.exec(text)?.[1] ?? '';
  return new Map(
    fields
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map((field) => {
        const [key = '', value = 'true'] = field.split('=');
        return [key, value];
      }),
  );
}

/**
 * What OpenAI checks of a history: every assistant tool call is answered by a tool message
 * before the conversation goes on. Returns the offending call id, if any.
 */
function unansweredToolCall(messages: WireMessage[]): string | undefined {
  for (const [index, message] of messages.entries()) {
    if (message.role !== 'assistant' || !message.tool_calls?.length) continue;
    const answered = new Set<string | undefined>();
    for (const next of messages.slice(index + 1)) {
      if (next.role !== 'tool') break;
      answered.add(next.tool_call_id);
    }
    const missing = message.tool_calls.find((call) => !answered.has(call.id));
    if (missing) return missing.id;
  }
  return undefined;
}

export const stubWords = ['Loopback', 'providers', 'make', 'tests', 'honest', 'and', 'fast.'];

const slowWords = (count: number) => Array.from({ length: count }, (_, index) => `word${index + 1}`);

async function streamReply(response: ServerResponse, record: StubRequest, body: CompletionRequest, options: Map<string, string>): Promise<void> {
  const id = `chatcmpl-${record.startedAt}`;
  const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
  const chunk = (delta: object, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created: 1,
    model: body.model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  });
  const usage = (completionTokens: number) => ({
    id,
    object: 'chat.completion.chunk',
    created: 1,
    model: body.model,
    choices: [],
    usage: { prompt_tokens: 11, completion_tokens: completionTokens, total_tokens: 11 + completionTokens },
  });
  const tool = options.get('tool');
  send(chunk({ role: 'assistant', content: '' }));
  if (tool && !record.afterToolResult) {
    send(chunk({ content: `Let me use ${tool}.` }));
    send(chunk({ tool_calls: [{ index: 0, id: 'call_stub_1', type: 'function', function: { name: tool, arguments: '' } }] }));
    for (const piece of ['{"topic":', '"durable', ' streams"}']) send(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    send(chunk({}, 'tool_calls'));
    send(usage(12));
    return;
  }
  const plain = options.has('words') ? slowWords(Number(options.get('words'))) : stubWords;
  // Each answer different, so the tests can tell an answer from the one it replaced.
  const words = options.has('numbered') ? [`Reply${record.ordinal}:`, ...plain] : plain;
  const pauseMs = Number(options.get('ms') ?? 0);
  for (const [index, word] of words.entries()) {
    if (response.destroyed) return;
    if (pauseMs > 0) await sleep(pauseMs);
    send(chunk({ content: index === 0 ? word : ` ${word}` }));
    record.wordsSent += 1;
  }
  send(chunk({}, 'stop'));
  send(usage(words.length));
}

export async function startOpenAIStub(): Promise<OpenAIStub> {
  const requests: StubRequest[] = [];
  const server: Server = createServer(async (request, response) => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404).end();
      return;
    }
    const body = await readBody(request);
    const text = lastUserText(body);
    const record: StubRequest = {
      model: body.model,
      lastUserText: text,
      afterToolResult: body.messages?.at(-1)?.role === 'tool',
      startedAt: Date.now(),
      ended: undefined,
      wordsSent: 0,
      ordinal: requests.length + 1,
      prompt: (body.messages ?? []).map((message) => ({ role: message.role, text: contentText(message.content) })),
    };
    requests.push(record);
    const options = directive(text);
    const unanswered = unansweredToolCall(body.messages ?? []);
    if (unanswered) {
      record.rejected = `unanswered tool call ${unanswered}`;
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${unanswered}`,
            type: 'invalid_request_error',
            code: null,
          },
        }),
      );
      record.ended = { how: 'completed', at: Date.now() };
      return;
    }
    if (options.has('unauthorized')) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
      record.ended = { how: 'completed', at: Date.now() };
      return;
    }
    // `close` before `end` is the client going away: the provider side of an aborted call.
    response.on('close', () => {
      record.ended ??= { how: response.writableFinished ? 'completed' : 'disconnected', at: Date.now() };
    });
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    await streamReply(response, record, body, options);
    if (!response.destroyed) response.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
