import { randomUUID } from 'node:crypto';
import { safeValidateTypes } from '@ai-sdk/provider-utils';
import { readUIMessageStream, type UIMessage, type UIMessageChunk, uiMessageChunkSchema } from 'ai';
import { beforeAll } from 'vitest';
import { estimatedTokens } from '../../lib/billing/token-chunks';
import { normalizeMessage } from '../../lib/stream/message-protocol';
import { sseEvents } from './sse';

export interface Session {
  userId: string;
  token: string;
}

export async function createSession(baseUrl: string): Promise<Session> {
  const response = await fetch(`${baseUrl}/api/session`, { method: 'POST' });
  if (response.status !== 200) throw new Error(`session: ${response.status} ${await response.text()}`);
  return (await response.json()) as Session;
}

export function userMessage(text: string, id: string = randomUUID()): UIMessage {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

export function postChat(baseUrl: string, token: string, threadId: string, text: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ id: threadId, messages: [userMessage(text)] }),
    ...init,
  });
}

export function getStream(baseUrl: string, token: string, runId: string, startIndex: number | string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/chat/${runId}/stream?startIndex=${startIndex}`, {
    headers: { authorization: `Bearer ${token}` },
    ...init,
  });
}

async function parseChunk(data: string): Promise<UIMessageChunk> {
  const result = await safeValidateTypes({ value: JSON.parse(data), schema: uiMessageChunkSchema });
  if (!result.success) throw new Error(`not a UIMessageChunk: ${data}`);
  return result.value;
}

/**
 * Reads SSE events from a UI message stream response, validating each as a `UIMessageChunk`.
 * Stops after `limit` chunks (then cancels the body, like a client that disconnects).
 */
export async function readChunks(response: Response, limit = Number.POSITIVE_INFINITY): Promise<UIMessageChunk[]> {
  if (!response.body) throw new Error('response has no body');
  const reader = sseEvents(response.body).getReader();
  const chunks: UIMessageChunk[] = [];
  try {
    while (chunks.length < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(await parseChunk(value));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return chunks;
}

/**
 * The UIMessage a client shows for a chunk sequence: assembled by the AI SDK, then with any
 * abandoned attempt (before a reset marker) dropped, as the app's client does.
 */
export async function assemble(chunks: UIMessageChunk[]): Promise<UIMessage | undefined> {
  const message = await assembleRaw(chunks);
  return message && normalizeMessage(message);
}

/** The UIMessage exactly as the AI SDK's reader assembles it. */
export async function assembleRaw(chunks: UIMessageChunk[]): Promise<UIMessage | undefined> {
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  let last: UIMessage | undefined;
  for await (const message of readUIMessageStream({ stream })) last = message;
  return last;
}

/** Output tokens streamed as text, however the deltas were grouped (the simulated model's tokens are words). */
export function streamedTokens(chunks: UIMessageChunk[]): number {
  return chunks.filter((chunk) => chunk.type === 'text-delta').reduce((sum, chunk) => sum + estimatedTokens(chunk), 0);
}

export function textOf(message: UIMessage | undefined): string {
  return (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

export async function getJson(baseUrl: string, token: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

/** Polls the run until the workflow world reports a terminal status. */
export async function waitForRunEnd(baseUrl: string, token: string, runId: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { status, body } = await getJson(baseUrl, token, `/api/chat/${runId}`);
    if (status === 200 && !['pending', 'running'].includes(body.status)) return body.status as string;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not end within ${timeoutMs} ms`);
}

/** Stop: `DELETE /api/chat/{runId}`. */
export function stopRun(baseUrl: string, token: string, runId: string): Promise<Response> {
  return fetch(`${baseUrl}/api/chat/${runId}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
}

export function runIdOf(response: Response): string {
  const runId = response.headers.get('x-workflow-run-id');
  if (!runId) throw new Error(`no x-workflow-run-id header (status ${response.status})`);
  return runId;
}

export interface StoredThread {
  id: string;
  title: string;
  messages: UIMessage[];
  activeRunId: string | null;
}

export async function getThread(baseUrl: string, token: string, threadId: string): Promise<StoredThread> {
  const { status, body } = await getJson(baseUrl, token, `/api/threads/${threadId}`);
  if (status !== 200) throw new Error(`thread ${threadId}: ${status} ${JSON.stringify(body)}`);
  return body as StoredThread;
}

/** The id a client ends up giving the assistant message: the last `start` chunk's. */
export function announcedMessageId(chunks: UIMessageChunk[]): string | undefined {
  return chunks.findLast((chunk) => chunk.type === 'start')?.messageId;
}

export function postChatWith(baseUrl: string, token: string, body: Record<string, unknown>, init: RequestInit = {}, path = '/api/chat'): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    ...init,
  });
}

/** Two users (each a real session) on the file's test server, for isolation checks. */
export function useTwoUsers(fixture: { readonly server: { url: string } }): { readonly alice: Session; readonly bob: Session } {
  let users: [Session, Session] | undefined;
  beforeAll(async () => {
    users = await Promise.all([createSession(fixture.server.url), createSession(fixture.server.url)]);
  });
  return {
    get alice() {
      if (!users) throw new Error('sessions not created yet');
      return users[0];
    },
    get bob() {
      if (!users) throw new Error('sessions not created yet');
      return users[1];
    },
  };
}

/** Reads a live stream chunk by chunk until `until` holds (or the stream ends), then drops the connection. */
export async function readUntil(response: Response, until: (seen: readonly UIMessageChunk[]) => boolean): Promise<UIMessageChunk[]> {
  if (!response.body) throw new Error('response has no body');
  const reader = sseEvents(response.body).getReader();
  const seen: UIMessageChunk[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return seen;
      seen.push(await parseChunk(value));
      if (until(seen) || seen.at(-1)?.type === 'finish') return seen;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
