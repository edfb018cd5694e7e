/** Kysely table types: the one description of the app's own tables (Mastra keeps its own). */
export interface ChatRunTable {
  run_id: string;
  thread_id: string;
  user_id: string;
  /** The user message that started this turn; the thread view cuts history here while it runs. */
  user_message_id: string;
  created_at: string;
  /** Set once by a Stop; the reply step polls it and aborts the model call. */
  cancel_requested_at: string | null;
  /** The thread's previous run, which this one waits for (enqueue and interrupt policies). */
  waits_for_run_id: string | null;
}

/** A short lease that serializes turn starts on one thread across processes and instances. */
export interface ThreadLockTable {
  thread_id: string;
  holder: string;
  /** Epoch milliseconds; an expired lease can be taken over (its holder crashed). */
  expires_at: number;
}

export interface Database {
  chat_runs: ChatRunTable;
  thread_locks: ThreadLockTable;
}
