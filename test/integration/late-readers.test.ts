import { randomUUID } from 'node:crypto';
import type { UIMessage, UIMessageChunk } from 'ai';
import { describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, assembleRaw, createSession, getStream, getThread, postChat, readChunks, readUntil, runIdOf, type Session, textOf, waitForRunEnd } from '../support/chat-client';
import { useTestServer } from '../support/server';

const fixture = useTestServer();
// `assembleRaw` is the AI SDK's own reader (`readUIMessageStream`), knowing nothing of reset markers.

const texts = (message: UIMessage | undefined) => (message?.parts ?? []).flatMap((part) => (part.type === 'text' ? [part.text] : []));
const wordsShown = (message: UIMessage | undefined) => texts(message).reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
const resets = (chunks: readonly UIMessageChunk[]) => chunks.filter((chunk) => chunk.type === 'data-reset');

/** A 200-word answer whose first model call fails after 43 words: one abandoned attempt. */
async function finishedRetriedTurn(session: Session) {
  const threadId = randomUUID();
  const response = await postChat(fixture.server.url, session.token, threadId, 'Late readers [[sim words=200 tps=0 fail_at=43]]');
  const runId = runIdOf(response);
  // The POST answers with the run's stream as it is written, markers included.
  const raw = await readChunks(response);
  expect(await waitForRunEnd(fixture.server.url, session.token, runId)).toBe('completed');
  expect(resets(raw)).toEqual([{ type: 'data-reset', data: { attempt: 2 } }]);
  const stored = (await getThread(fixture.server.url, session.token, threadId)).messages[1];
  return { runId, raw, reset: raw.findIndex((chunk) => chunk.type === 'data-reset'), stored };
}

describe('a late reader of a finished run with an abandoned attempt', () => {
  it('reading from 0 with a plain AI SDK reader sees the stored answer once', async () => {
    const session = await createSession(fixture.server.url);
    const { runId, raw, reset, stored } = await finishedRetriedTurn(session);
    const before = await assembleRaw(raw);
    expect(texts(before)).toHaveLength(2);

    const response = await getStream(fixture.server.url, session.token, runId, 0);
    expect(response.headers.get('x-replay')).toBe('clean');
    expect(Number(response.headers.get('x-workflow-stream-tail-index'))).toBe(raw.length - 1);
    const replay = await readChunks(response);
    // The abandoned attempt's `start` names the message; its parts and the marker are gone.
    expect(replay).toEqual([...raw.slice(0, reset).filter((chunk) => chunk.type === 'start'), ...raw.slice(reset + 1)]);
    expect(validateUIStream(replay)).toEqual([]);

    const after = await assembleRaw(replay);
    expect(after?.id).toBe(stored?.id);
    expect(texts(after)).toEqual([textOf(stored)]);
    expect(wordsShown(before)).toBeGreaterThan(wordsShown(after));
    // The app's client, which applies markers itself, shows the same answer from it.
    expect(textOf(await assemble(replay))).toBe(textOf(stored));
    console.log(`a plain reader of a finished 200-token answer after one retry, from index 0: ${wordsShown(before)} words before, ${wordsShown(after)} now (stored answer: ${wordsShown(stored)})`);
  });

  it('reading from after the last marker gets the stream as written', async () => {
    const session = await createSession(fixture.server.url);
    const { runId, raw, reset } = await finishedRetriedTurn(session);
    for (const startIndex of [reset + 1, raw.length - 1]) {
      const response = await getStream(fixture.server.url, session.token, runId, startIndex);
      expect(response.headers.get('x-replay')).toBeNull();
      expect(await readChunks(response)).toEqual(raw.slice(startIndex));
    }
  });

  it('resuming at or before the last marker gets that marker, then the answer: the client shows it once', async () => {
    const session = await createSession(fixture.server.url);
    const { runId, raw, reset, stored } = await finishedRetriedTurn(session);
    for (const startIndex of [1, reset]) {
      const response = await getStream(fixture.server.url, session.token, runId, startIndex);
      expect(response.headers.get('x-replay')).toBe('clean');
      const rest = await readChunks(response);
      expect(resets(rest)).toHaveLength(1);
      const resumed = [...raw.slice(0, startIndex), ...rest];
      expect(validateUIStream(resumed)).toEqual([]);
      expect(texts(await assemble(resumed))).toEqual([textOf(stored)]);
    }
  });
});

describe('a reader of a live run with an abandoned attempt', () => {
  it('gets the raw chunks, marker included, exactly as written', async () => {
    const session = await createSession(fixture.server.url);
    const threadId = randomUUID();
    const response = await postChat(fixture.server.url, session.token, threadId, 'Live readers [[sim words=200 tps=40 fail_at=10]]');
    const runId = runIdOf(response);
    // The retry has begun and has 200 words to stream: the run is live for the read below.
    const head = await readUntil(response, (seen) => resets(seen).length > 0);
    expect(head.at(-1)).toEqual({ type: 'data-reset', data: { attempt: 2 } });

    const live = await getStream(fixture.server.url, session.token, runId, 0);
    expect(live.headers.get('x-replay')).toBeNull();
    const chunks = await readChunks(live);
    expect(chunks.slice(0, head.length)).toEqual(head);
    expect(resets(chunks)).toHaveLength(1);
    expect(chunks.at(-1)?.type).toBe('finish');
    expect(texts(await assembleRaw(chunks))).toHaveLength(2);
    expect(await waitForRunEnd(fixture.server.url, session.token, runId)).toBe('completed');

    // Once finished, the same read from 0 is that stream without the abandoned attempt.
    const late = await readChunks(await getStream(fixture.server.url, session.token, runId, 0));
    expect(late).toEqual(finishedStreamReplay(chunks, 0).chunks);
    const stored = (await getThread(fixture.server.url, session.token, threadId)).messages[1];
    expect(texts(await assembleRaw(late))).toEqual([textOf(stored)]);
  });
});
