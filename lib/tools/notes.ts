import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface NewNote {
  userId: string;
  threadId: string;
  runId: string;
  title: string;
  body: string;
}

export async function saveNote(db: Kysely<Database>, note: NewNote): Promise<{ noteId: string; title: string; savedAt: string }> {
  const noteId = `note_${randomUUID()}`;
  const savedAt = new Date().toISOString();
  await db.insertInto('notes').values({ note_id: noteId, user_id: note.userId, thread_id: note.threadId, run_id: note.runId, title: note.title, body: note.body, created_at: savedAt }).execute();
  return { noteId, title: note.title, savedAt };
}
