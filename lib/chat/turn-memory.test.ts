import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageList } from '@mastra/core/agent';
import { LibSQLStore } from '@mastra/libsql';
import { Memory } from '@mastra/memory';
import type { UIMessage } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { saveUserMessage } from './threads';
import type { ChatTurn } from './turn';
import { alignStoredReply } from './turn-memory';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function memoryWithTurn() {
  const dir = await mkdtemp(path.join(tmpdir(), 'turn-memory-'));
  dirs.push(dir);
  const memory = new Memory({ storage: new LibSQLStore({ id: 'test-memory', url: `file:${path.join(dir, 'memory.db')}` }) });
  const turn: ChatTurn = {
    threadId: 'thread-1',
    userId: 'user-1',
    message: { id: 'user-message-1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
    waitsForRunId: null,
  };
  await memory.createThread({ threadId: turn.threadId, resourceId: turn.userId, title: 'Hello' });
  await saveUserMessage(memory, turn.threadId, turn.userId, turn.message);
  return { memory, turn };
}

async function saveAssistant(memory: Memory, turn: ChatTurn, id: string, text: string) {
  const message: UIMessage = { id, role: 'assistant', parts: [{ type: 'text', text }] };
  const list = new MessageList({ threadId: turn.threadId, resourceId: turn.userId }).add(message, 'response');
  await memory.saveMessages({ messages: list.get.all.db() });
}

async function storedRolesAndIds(memory: Memory, turn: ChatTurn) {
  const { messages } = await memory.recall({ threadId: turn.threadId, resourceId: turn.userId, perPage: false });
  return messages.map((message) => `${message.role}:${message.id}`);
}

describe('alignStoredReply', () => {
  it('renames the stored reply to the announced id', async () => {
    const { memory, turn } = await memoryWithTurn();
    await saveAssistant(memory, turn, 'mastra-id', 'The answer');
    await alignStoredReply(memory, turn, 'reply_run1');
    expect(await storedRolesAndIds(memory, turn)).toEqual(['user:user-message-1', 'assistant:reply_run1']);
  });

  it('re-run after a crash between the copy and the delete leaves the answer once', async () => {
    const { memory, turn } = await memoryWithTurn();
    await saveAssistant(memory, turn, 'mastra-id', 'The answer');
    // What a crash after the copy under the announced id, before the delete, leaves behind.
    await saveAssistant(memory, turn, 'reply_run1', 'The answer');
    expect(await storedRolesAndIds(memory, turn)).toHaveLength(3);
    await alignStoredReply(memory, turn, 'reply_run1');
    expect(await storedRolesAndIds(memory, turn)).toEqual(['user:user-message-1', 'assistant:reply_run1']);
  });
});
