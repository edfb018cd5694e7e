import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { announcedMessageId, assemble, createSession, getJson, getStream, getThread, postChat, readChunks, runIdOf, streamedTokens, textOf, waitForRunEnd } from '../support/chat-client';
import { removeDataDir, startServer, type TestServer } from '../support/server';

const servers: TestServer[] = [];

afterAll(async () => {
  for (const server of servers) await server.stop();
  if (servers[0]) await removeDataDir(servers[0].dataDir);
});

describe('crash recovery', () => {
  it('completes a run whose server was SIGKILLed mid-stream, once restarted on the same data dir', { timeout: 120_000 }, async () => {
    const first = await startServer();
    servers.push(first);
    const session = await createSession(first.url);
    const threadId = randomUUID();
    const response = await postChat(first.url, session.token, threadId, 'Survive a crash [[sim words=300 tps=60]]');
    const runId = runIdOf(response);
    const beforeCrash = await readChunks(response, 25);
    expect(beforeCrash).toHaveLength(25);

    await first.crash();
    const second = await startServer({ dataDir: first.dataDir, port: first.port });
    servers.push(second);

    // A client that was following the run reconnects from where it stopped.
    const resumed = await getStream(second.url, session.token, runId, beforeCrash.length);
    expect(resumed.status).toBe(200);
    const afterCrash = await readChunks(resumed);
    expect(afterCrash.at(-1)?.type).toBe('finish');
    const status = await waitForRunEnd(second.url, session.token, runId);
    if (status !== 'completed') console.log(`run ended ${status}; server logs:\n`, first.output().slice(-3000), '\n----\n', second.output().slice(-6000));
    expect(status).toBe('completed');

    // What that client assembled is a valid UI message whose last text part is the complete
    // answer (the interrupted attempt's partial text before it is removed by the tool-resume work).
    const message = await assemble([...beforeCrash, ...afterCrash]);
    expect(message?.role).toBe('assistant');
    const lastText = message?.parts.filter((part) => part.type === 'text').at(-1);
    const clean = await postChat(second.url, session.token, randomUUID(), 'Survive a crash [[sim words=300 tps=0]]');
    const reference = textOf(await assemble(await readChunks(clean)));
    expect(reference.length).toBeGreaterThan(1000);
    expect(lastText?.type === 'text' && lastText.text).toBe(reference);

    // Memory holds exactly one clean turn: the interrupted attempt's stored steps are gone, and
    // the reply carries the id the stream announced last, so client and store agree.
    const view = await getThread(second.url, session.token, threadId);
    expect(view.activeRunId).toBeNull();
    expect(view.messages.map((stored) => stored.role)).toEqual(['user', 'assistant']);
    expect(view.messages[1]?.id).toBe(announcedMessageId([...beforeCrash, ...afterCrash]));
    expect(textOf(view.messages[1])).toBe(reference);

    // One restart marker in the stream the following client read: the attempt after the crash
    // (2, or later when a duplicate delivery of the step took a number first).
    const followed = [...beforeCrash, ...afterCrash];
    const resets = followed.filter((chunk) => chunk.type === 'data-reset');
    expect(resets).toHaveLength(1);
    expect((resets[0] as { data: { attempt: number } }).data.attempt).toBeGreaterThanOrEqual(2);

    // A client arriving later replays the whole stream without the interrupted attempt, and it ends too.
    const late = await getStream(second.url, session.token, runId, 0);
    expect(late.headers.get('x-replay')).toBe('clean');
    const replay = await readChunks(late);
    expect(replay).toEqual(finishedStreamReplay(followed, 0).chunks);
    expect(replay.at(-1)?.type).toBe('finish');
    expect(textOf(await assemble(replay))).toBe(reference);

    // Billing: one charge for the answer; the attempt that died with the process is estimated
    // from what it had streamed.
    const { body: entry } = await getJson(second.url, session.token, `/api/billing/runs/${runId}`);
    expect(entry.charge).toMatchObject({ outcome: 'completed', outputTokens: 300 });
    expect(entry.attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'crashed', source: 'estimated' }),
      expect.objectContaining({ outcome: 'completed', source: 'provider', outputTokens: 300 }),
    ]);
    const streamedBeforeCrash = streamedTokens(
      followed.slice(
        0,
        followed.findIndex((chunk) => chunk.type === 'data-reset'),
      ),
    );
    expect(entry.attempts[0].outputTokens).toBe(streamedBeforeCrash);
    expect(streamedBeforeCrash).toBeGreaterThanOrEqual(streamedTokens(beforeCrash));
  });
});
