import { setTimeout as sleep } from 'node:timers/promises';
import { createTool } from '@mastra/core/tools';
import { z } from 'zod';
import type { AppDatabase } from '../../lib/db/database';
import { replyTokens } from '../../lib/seeded-text';
import { runToolOnce } from '../../lib/tools/run-once';
import { toolCallRequest } from './tool-context';

/**
 * The slow tool: it works for `delayMs` (seconds by default) before answering, so a reload, a
 * Stop or a crash can land while it runs. A Stop aborts the wait and the call fails as aborted.
 */
export function createResearchTool(db: AppDatabase, delayMs: number) {
  return createTool({
    id: 'research',
    description: 'Researches a topic in depth and returns short findings. Takes a few seconds.',
    inputSchema: z.object({ topic: z.string().min(1).max(200) }),
    outputSchema: z.object({ topic: z.string(), findings: z.array(z.string()) }),
    execute: async (input, context) =>
      runToolOnce(db, toolCallRequest('research', input, context), { sideEffect: 'none' }, async () => {
        await sleep(delayMs, undefined, { signal: context.abortSignal });
        const words = replyTokens(`research:${input.topic}`, 36).join('');
        const findings = words
          .split(/(?<=\.)\s+/)
          .filter(Boolean)
          .slice(0, 3);
        return { topic: input.topic, findings };
      }),
  });
}
