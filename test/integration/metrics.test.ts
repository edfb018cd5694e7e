import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, getStream, postChat, readChunks, runIdOf, type Session, stopRun, waitForRunEnd } from '../support/chat-client';
import { logRecords } from '../support/logs';
import { type OpenAIStub, startOpenAIStub, stubWords } from '../support/openai-stub';
import { sampleValue } from '../support/prometheus';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';

async function scrape(server: TestServer, token?: string): Promise<string> {
  const response = await fetch(`${server.url}/api/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

async function completeTurn(server: TestServer, session: Session, text: string): Promise<string> {
  const response = await postChat(server.url, session.token, randomUUID(), text);
  const runId = runIdOf(response);
  await readChunks(response);
  await waitForRunEnd(server.url, session.token, runId);
  return runId;
}

async function stopServer(server: TestServer | undefined): Promise<void> {
  if (!server) return;
  await server.stop();
  await removeDataDir(server.dataDir);
  expectNoStreamViolations(server.output());
}

describe('metrics and logs on the simulated model', () => {
  const metricsToken = `metrics-${randomUUID()}`;
  let server: TestServer;
  let session: Session;

  beforeAll(async () => {
    server = await startServer({ env: { METRICS_TOKEN: metricsToken } });
    session = await createSession(server.url);
  });
  afterAll(() => stopServer(server));

  it('answers a scrape only with the METRICS_TOKEN bearer token when one is set', async () => {
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: `Bearer ${session.token}` }];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/api/metrics`, { headers });
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('unauthorized:metrics');
    }
    expect(await scrape(server, metricsToken)).toContain('chat_runs_total');
  });

  it('counts completed, stopped and retried runs, resumes, tokens and time to first token', async () => {
    const completed = await completeTurn(server, session, 'Count me [[sim words=12 tps=0]]');
    const retried = await completeTurn(server, session, 'Fail once [[sim words=20 tps=0 fail_at=5]]');

    const long = await postChat(server.url, session.token, randomUUID(), 'Go on and on [[sim words=2000 tps=50]]');
    const stopped = runIdOf(long);
    await readChunks(long, 10);
    const during = await scrape(server, metricsToken);
    expect(sampleValue(during, 'chat_active_streams')).toBe(1);
    const stop = await stopRun(server.url, session.token, stopped);
    expect(stop.status).toBe(202);
    expect(await waitForRunEnd(server.url, session.token, stopped, 10_000)).toBe('completed');

    const resumed = await readChunks(await getStream(server.url, session.token, completed, 3));
    expect(resumed.at(-1)?.type).toBe('finish');

    const after = await scrape(server, metricsToken);
    expect(sampleValue(after, 'chat_runs_total', { status: 'completed' })).toBe(2);
    expect(sampleValue(after, 'chat_runs_total', { status: 'aborted' })).toBe(1);
    expect(sampleValue(after, 'chat_runs_total', { status: 'failed' })).toBeUndefined();
    expect(sampleValue(after, 'chat_stream_resumes_total')).toBe(1);
    expect(sampleValue(after, 'chat_reply_retries_total')).toBe(1);
    expect(sampleValue(after, 'chat_active_streams')).toBe(0);
    // One first token per reply attempt: three replies, one of them attempted twice.
    expect(sampleValue(after, 'chat_time_to_first_token_seconds_count')).toBe(4);
    expect(sampleValue(after, 'chat_model_tokens_total', { kind: 'output' })).toBeGreaterThan(12 + 20);
    expect(sampleValue(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    const records = logRecords(server.output());
    const ofRun = (runId: string) => records.filter((record) => record.runId === runId);
    for (const record of [...ofRun(completed), ...ofRun(retried), ...ofRun(stopped)]) {
      expect(record).toMatchObject({ threadId: expect.any(String), userId: session.userId });
    }
    expect(ofRun(completed).map((record) => record.msg)).toEqual(['turn started', 'first token', 'reply finished', 'run ended', 'stream resumed']);
    expect(ofRun(completed).find((record) => record.msg === 'stream resumed')).toMatchObject({ startIndex: 3 });
    expect(ofRun(completed).find((record) => record.msg === 'first token')).toMatchObject({ step: 'streamAgentReply', attempt: 1, ttftMs: expect.any(Number) });
    expect(ofRun(retried).map((record) => [record.msg, record.attempt])).toEqual(
      expect.arrayContaining([
        ['reply attempt failed', 1],
        ['reply step retry', 2],
        ['reply finished', 2],
      ]),
    );
    expect(ofRun(stopped).find((record) => record.msg === 'run ended')).toMatchObject({ status: 'aborted', step: 'finishTurn', attempt: 1 });
    expect(server.output()).not.toContain(session.token);
  });
});

describe('metrics and logs on an OpenAI-compatible provider', () => {
  const modelApiKey = `sk-test-${randomUUID()}`;
  let stub: OpenAIStub;
  let server: TestServer;
  let session: Session;

  beforeAll(async () => {
    stub = await startOpenAIStub();
    server = await startServer({ env: { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: modelApiKey, LOG_LEVEL: 'trace' } });
    session = await createSession(server.url);
  });
  afterAll(async () => {
    await stopServer(server);
    await stub?.close();
  });

  it('is open without METRICS_TOKEN, counts the provider usage, and logs no key and no session token', async () => {
    await completeTurn(server, session, 'Say something');
    await completeTurn(server, session, 'Use a bad key [[stub unauthorized]]');

    const exposition = await scrape(server);
    expect(sampleValue(exposition, 'chat_runs_total', { status: 'completed' })).toBe(1);
    expect(sampleValue(exposition, 'chat_runs_total', { status: 'failed' })).toBe(1);
    expect(sampleValue(exposition, 'chat_model_tokens_total', { kind: 'input' })).toBe(11);
    expect(sampleValue(exposition, 'chat_model_tokens_total', { kind: 'output' })).toBe(stubWords.length);

    const output = server.output();
    expect(logRecords(output).map((record) => record.msg)).toEqual(expect.arrayContaining(['turn started', 'reply finished', 'reply failed', 'run ended']));
    expect(output).not.toContain(modelApiKey);
    expect(output).not.toContain(session.token);
  });
});
