import { SignJWT } from 'jose';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, postChat, readChunks, runIdOf, type Session, userMessage, waitForRunEnd } from '../support/chat-client';
import { removeDataDir, startServer, type TestServer } from '../support/server';

// Known to the test so it can sign a token that is valid except for its expiry.
const authSecret = randomBytes(36).toString('base64url');
let server: TestServer;
let alice: Session;
let bob: Session;
let aliceRunId: string;
let aliceThreadId: string;

beforeAll(async () => {
  server = await startServer({ env: { MAX_REQUEST_BYTES: '65536', MAX_MESSAGE_CHARS: '2000', AUTH_SECRET: authSecret } });
  [alice, bob] = await Promise.all([createSession(server.url), createSession(server.url)]);
  aliceThreadId = randomUUID();
  const response = await postChat(server.url, alice.token, aliceThreadId, 'Secret plans [[sim words=10 tps=0]]');
  aliceRunId = runIdOf(response);
  await readChunks(response);
  await waitForRunEnd(server.url, alice.token, aliceRunId);
});

afterAll(async () => {
  await server?.stop();
  if (server) await removeDataDir(server.dataDir);
});

const json = (token: string | undefined, body: string, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  body,
});

async function forgedToken(secret: string, userId: string, expiresInSeconds: number) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('durable-chat')
    .setIssuedAt(now - 100)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(secret));
}

type Case = { name: string; status: number; code: string; request: () => Promise<Response> };

const message = (text: string) => JSON.stringify({ id: randomUUID(), messages: [userMessage(text)] });

const cases: Case[] = [
  { name: 'malformed JSON', status: 400, code: 'bad_request:json', request: () => fetch(`${server.url}/api/chat`, json(alice.token, '{"id": "x", "messages": [')) },
  { name: 'not JSON content type', status: 415, code: 'unsupported_media_type:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, message('hi'), { 'content-type': 'text/plain' })) },
  { name: 'missing messages', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 'abc' }))) },
  { name: 'empty messages', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 'abc', messages: [] }))) },
  { name: 'messages of the wrong type', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 'abc', messages: 'hello' }))) },
  { name: 'thread id of the wrong type', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 42, messages: [userMessage('hi')] }))) },
  { name: 'path traversal in thread id', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: '../../etc', messages: [userMessage('hi')] }))) },
  { name: 'newest message from the assistant', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 'abc', messages: [{ id: 'a1', role: 'assistant', parts: [{ type: 'text', text: 'hi' }] }] }))) },
  { name: 'message without text', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, JSON.stringify({ id: 'abc', messages: [{ id: 'u1', role: 'user', parts: [] }] }))) },
  { name: 'message longer than allowed', status: 400, code: 'bad_request:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, message('x'.repeat(2001)))) },
  { name: 'oversized body', status: 413, code: 'payload_too_large:body', request: () => fetch(`${server.url}/api/chat`, json(alice.token, message('y'.repeat(70_000)))) },
  { name: 'no token', status: 401, code: 'unauthorized:session', request: () => fetch(`${server.url}/api/chat`, json(undefined, message('hi'))) },
  { name: 'garbage token', status: 401, code: 'unauthorized:session', request: () => fetch(`${server.url}/api/chat`, json('not-a-token', message('hi'))) },
  { name: 'token signed with another secret', status: 401, code: 'unauthorized:session', request: async () => fetch(`${server.url}/api/chat`, json(await forgedToken('x'.repeat(48), alice.userId, 3600), message('hi'))) },
  {
    name: 'expired token',
    status: 401,
    code: 'unauthorized:session',
    request: async () => fetch(`${server.url}/api/chat`, json(await forgedToken(authSecret, alice.userId, -10), message('hi'))),
  },
  { name: 'benchmark baseline route without BENCH_BASELINES', status: 404, code: 'not_found:route', request: () => fetch(`${server.url}/api/bench/direct`, json(alice.token, message('hi'))) },
  { name: 'unknown run', status: 404, code: 'not_found:run', request: () => fetch(`${server.url}/api/chat/wrun_01M85JKDGE02D133XYT4HMHYKQ/stream?startIndex=0`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: 'malformed run id', status: 404, code: 'not_found:run', request: () => fetch(`${server.url}/api/chat/..%2F..%2Fetc/stream?startIndex=0`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: "another user's run", status: 404, code: 'not_found:run', request: () => fetch(`${server.url}/api/chat/${aliceRunId}/stream?startIndex=0`, { headers: { authorization: `Bearer ${bob.token}` } }) },
  { name: "another user's run status", status: 404, code: 'not_found:run', request: () => fetch(`${server.url}/api/chat/${aliceRunId}`, { headers: { authorization: `Bearer ${bob.token}` } }) },
  { name: 'negative startIndex', status: 400, code: 'bad_request:start_index', request: () => fetch(`${server.url}/api/chat/${aliceRunId}/stream?startIndex=-1`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: 'NaN startIndex', status: 400, code: 'bad_request:start_index', request: () => fetch(`${server.url}/api/chat/${aliceRunId}/stream?startIndex=NaN`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: 'fractional startIndex', status: 400, code: 'bad_request:start_index', request: () => fetch(`${server.url}/api/chat/${aliceRunId}/stream?startIndex=1.5`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: 'empty startIndex', status: 400, code: 'bad_request:start_index', request: () => fetch(`${server.url}/api/chat/${aliceRunId}/stream?startIndex=`, { headers: { authorization: `Bearer ${alice.token}` } }) },
  { name: "another user's thread", status: 404, code: 'not_found:thread', request: () => fetch(`${server.url}/api/threads/${aliceThreadId}`, { headers: { authorization: `Bearer ${bob.token}` } }) },
  { name: "posting into another user's thread", status: 404, code: 'not_found:thread', request: () => fetch(`${server.url}/api/chat`, json(bob.token, JSON.stringify({ id: aliceThreadId, messages: [userMessage('let me in')] }))) },
];

describe('bad input gets a clear 4xx JSON error', () => {
  it.each(cases.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const response = await testCase.request();
    expect(response.status).toBe(testCase.status);
    const body = await response.json();
    expect(body.error.code).toBe(testCase.code);
    expect(typeof body.error.message).toBe('string');
  });

  it("changes nothing: the victim's thread still holds exactly its own two messages", async () => {
    const response = await fetch(`${server.url}/api/threads/${aliceThreadId}`, { headers: { authorization: `Bearer ${alice.token}` } });
    const view = await response.json();
    expect(view.messages.map((stored: { role: string }) => stored.role)).toEqual(['user', 'assistant']);
    expect(JSON.stringify(view)).not.toContain('let me in');
  });
});
