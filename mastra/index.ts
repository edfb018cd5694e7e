import { Mastra } from '@mastra/core/mastra';
import { Memory } from '@mastra/memory';
import type { AppConfig } from '../lib/config';
import type { AppDatabase } from '../lib/db/database';
import { chatAgentId, createChatAgent } from './agents/chat-agent';
import { createMastraStorage } from './storage';
import { createChatTools } from './tools';

export interface MastraRuntime {
  mastra: Mastra;
  memory: Memory;
}

/**
 * Wires the agent, its memory and storage, with the storage initialized before anything uses
 * it. Mastra only defers its first call until init has finished for the storage it wraps itself;
 * Memory talks to the store directly, and right after a crash-restart re-enqueued steps query
 * memory at once: racing the store's init, thread lookups came back empty.
 */
export async function createMastraRuntime(config: AppConfig, db: AppDatabase): Promise<MastraRuntime> {
  const storage = createMastraStorage(config);
  await storage.init();
  const memory = new Memory({ storage, options: { lastMessages: 40 } });
  const agent = createChatAgent({ memory, model: config.model, traced: config.observability.tracesEnabled, tools: createChatTools({ db, slowToolMs: config.slowToolMs }) });
  const mastra = new Mastra({ agents: { [chatAgentId]: agent }, storage, logger: false });
  return { mastra, memory };
}
