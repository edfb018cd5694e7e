import { randomUUID } from 'node:crypto';
import type { UIMessageChunk } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finishedStreamReplay } from '../../lib/stream/clean-replay';
import { validateUIStream } from '../../lib/stream/validate-stream';
import { assemble, createSession, getStream, postChat, readChunks, readUntil, runIdOf, type Session, streamedTokens, waitForRunEnd } from '../support/chat-client';
import { expectNoStreamViolations, removeDataDir, startServer, type TestServer } from '../support/server';
import { comparableParts, expectToolTurnRecordedOnce, toolTurnPrompt } from '../support/tool-turns';

/**
 * SIGKILL the server at many points across a tool-heavy turn (three tools, text before each,
 * then the answer), restart it on the same data, and check that the run completes exactly as an
 * uninterrupted one would, for the client that lived through the crash and for a late one.
 */
const env = { SLOW_TOOL_MS: '1500' };
const prompt = toolTurnPrompt({ words: 30, tps: 40 });

type KillPoint = (seen: readonly UIMessageChunk[]) => boolean;

const count = (seen: readonly UIMessageChunk[], type: UIMessageChunk['type']) => seen.filter((chunk) => chunk.type === type).length;
const toolOf = (seen: readonly UIMessageChunk[], toolCallId: string) =>
  seen.find((chunk): chunk is Extract<UIMessageChunk, { type: 'tool-input-start' }> => chunk.type === 'tool-input-start' && chunk.toolCallId === toolCallId)?.toolName;
const lastIs =
  (type: UIMessageChunk['type'], tool?: string): KillPoint =>
  (seen) => {
    const last = seen.at(-1);
    if (last?.type !== type) return false;
    return tool === undefined || ('toolCallId' in last && toolOf(seen, last.toolCallId) === tool);
  };

const killPoints: Array<[string, KillPoint]> = [
  ['mid text before the first tool', (seen) => count(seen, 'text-delta') >= 3],
  ['while the research input streams', lastIs('tool-input-delta', 'research')],
  ['inside the slow research tool', lastIs('tool-input-available', 'research')],
  ['right after a tool result', lastIs('tool-output-available', 'research')],
  ['between steps', (seen) => count(seen, 'finish-step') === 2],
  ['as the side-effect tool runs', lastIs('tool-input-available', 'save_note')],
  ['mid final answer', (seen) => count(seen, 'finish-step') === 3 && streamedTokens([...seen]) >= 28],
];

/** What an uninterrupted run shows, without ids and timestamps that differ between runs. */
function shape(parts: unknown[]): unknown[] {
  return parts.map((part) => {
    const { toolCallId: _id, output, ...rest } = part as { toolCallId?: string; output?: Record<string, unknown>; tool?: string };
    if (rest.tool === 'save_note') return { ...rest, output: Object.keys(output ?? {}).sort() };
    return output === undefined ? rest : { ...rest, output };
  });
}

let server: TestServer;
let session: Session;
let reference: unknown[];
const outputs: string[] = [];

beforeAll(async () => {
  server = await startServer({ env });
  session = await createSession(server.url);
  const response = await postChat(server.url, session.token, randomUUID(), prompt);
  reference = shape(comparableParts(await assemble(await readChunks(response))));
});

afterAll(async () => {
  await server.stop();
  outputs.push(server.output());
  await removeDataDir(server.dataDir);
  for (const output of outputs) expectNoStreamViolations(output);
});

describe('SIGKILL across a tool-heavy turn', () => {
  it.each(killPoints)('completes the run exactly once when killed %s', { timeout: 120_000 }, async (_name, killPoint) => {
    const threadId = randomUUID();
    const response = await postChat(server.url, session.token, threadId, prompt);
    const runId = runIdOf(response);
    const beforeCrash = await readUntil(response, killPoint);
    expect(beforeCrash.at(-1)?.type).not.toBe('finish');

    await server.crash();
    outputs.push(server.output());
    server = await startServer({ dataDir: server.dataDir, port: server.port, env });

    const afterCrash = await readChunks(await getStream(server.url, session.token, runId, beforeCrash.length));
    const status = await waitForRunEnd(server.url, session.token, runId);
    if (status !== 'completed') console.log(outputs.at(-1)?.slice(-3000), '\n----\n', server.output().slice(-6000));
    expect(status).toBe('completed');
    const lived = [...beforeCrash, ...afterCrash];
    // A late reader gets what the client lived through, without the attempt the crash abandoned.
    const late = await readChunks(await getStream(server.url, session.token, runId, 0));
    expect(late).toEqual(finishedStreamReplay(lived, 0).chunks);
    expect(validateUIStream(late)).toEqual([]);

    const shown = comparableParts(await assemble(late));
    expect(shape(shown)).toEqual(reference);
    const { ledger } = await expectToolTurnRecordedOnce(server, session.token, { threadId, runId, shown });
    expect(ledger.attempts.at(-1)).toMatchObject({ outcome: 'completed' });
  });
});
