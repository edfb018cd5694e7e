import { Mastra } from '@mastra/core/mastra';
import { LibSQLStore } from '@mastra/libsql';
import { Memory } from '@mastra/memory';
import path from 'node:path';
import type { AppConfig } from '../lib/config';
import { chatAgentId, createChatAgent } from './agents/chat-agent';

export interface MastraRuntime {
  mastra: Mastra;
  memory: Memory;
}

/** Wires the agent, its memory and storage. Opens nothing until first use. */
export function createMastraRuntime(config: AppConfig): MastraRuntime {
  const storage = new LibSQLStore({ id: 'durable-chat-memory', url: `file:${path.join(config.dataDir, 'memory.db')}` });
  const memory = new Memory({ storage, options: { lastMessages: 40 } });
  const agent = createChatAgent({ memory, model: config.model });
  const mastra = new Mastra({ agents: { [chatAgentId]: agent }, storage, logger: false });
  return { mastra, memory };
}
