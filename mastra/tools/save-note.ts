import { createTool } from '@mastra/core/tools';
import { z } from 'zod';
import type { AppDatabase } from '../../lib/db/database';
import { saveNote } from '../../lib/tools/notes';
import { runToolOnce } from '../../lib/tools/run-once';
import { toolCallRequest } from './tool-context';

/**
 * The tool with a durable side effect: it stores a note for the user. The note and the record of
 * the call commit in one transaction, so however often the step is retried or replayed, a call
 * saves one note.
 */
export function createSaveNoteTool(db: AppDatabase) {
  return createTool({
    id: 'save_note',
    description: "Saves a note to the user's notebook and returns its id.",
    inputSchema: z.object({ title: z.string().min(1).max(200), body: z.string().min(1).max(4000) }),
    outputSchema: z.object({ noteId: z.string(), title: z.string(), savedAt: z.string() }),
    execute: async (input, context) => {
      const call = toolCallRequest('save_note', input, context);
      return runToolOnce(db, call, { sideEffect: 'database' }, (trx) => saveNote(trx, { userId: call.userId, threadId: call.threadId, runId: call.runId, ...input }));
    },
  });
}
