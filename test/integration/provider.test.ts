import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assemble, createSession, getJson, postChat, readChunks, runIdOf, type Session, textOf, waitForRunEnd } from '../support/chat-client';
import { type OpenAIStub, startOpenAIStub, stubWords } from '../support/openai-stub';
import { removeDataDir, startServer, type TestServer } from '../support/server';

let stub: OpenAIStub;
let server: TestServer;
let session: Session;

beforeAll(async () => {
  stub = await startOpenAIStub();
  server = await startServer({ env: { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: 'test-key' } });
  session = await createSession(server.url);
});

afterAll(async () => {
  await server?.stop();
  await stub?.close();
  if (server) await removeDataDir(server.dataDir);
});

describe('an OpenAI-compatible provider on loopback', () => {
  it('is used instead of the simulated model, and the UI is told so', async () => {
    const { body } = await getJson(server.url, session.token, '/api/session');
    expect(body.model).toBe('live');
  });

  it('streams the provider reply through the durable run', async () => {
    const response = await postChat(server.url, session.token, randomUUID(), 'Say something');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(textOf(await assemble(chunks))).toBe(stubWords.join(' '));
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('completed');
    expect(stub.requests.at(-1)).toEqual({ model: 'stub-model', lastUserText: 'Say something' });
  });

  it('fails a non-retryable provider error at once and still ends the stream', async () => {
    const before = stub.requests.length;
    const response = await postChat(server.url, session.token, randomUUID(), 'Use a bad key [[stub unauthorized]]');
    const runId = runIdOf(response);
    const chunks = await readChunks(response);
    expect(chunks.slice(-2).map((chunk) => chunk.type)).toEqual(['error', 'finish']);
    const error = chunks.at(-2);
    expect(error?.type === 'error' && error.errorText).toMatch(/Incorrect API key/);
    expect(await waitForRunEnd(server.url, session.token, runId)).toBe('failed');
    // A 401 cannot succeed on retry: the step made exactly one provider call.
    expect(stub.requests.length - before).toBe(1);
  });
});
