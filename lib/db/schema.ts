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
}

export interface Database {
  chat_runs: ChatRunTable;
}
