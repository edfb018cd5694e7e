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
  /** The reply step's result (JSON) once it has finished: a re-delivered step returns it. */
  reply_outcome: string | null;
}

/** A short exclusive lease on a key, across processes and instances (see lib/db/leases.ts). */
export interface LeaseTable {
  key: string;
  holder: string;
  /** Epoch milliseconds; an expired lease can be taken over (its holder crashed). */
  expires_at: number;
}

interface UsageColumns {
  model_id: string;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
}

/** What the user is charged for a run: exactly one row per run (the primary key). */
export interface BillingChargeTable extends UsageColumns {
  run_id: string;
  user_id: string;
  thread_id: string;
  /** How the run ended: completed, aborted (charged up to the stop) or failed (charged nothing). */
  outcome: 'completed' | 'aborted' | 'failed';
  /** UTC day (YYYY-MM-DD) for the usage report. */
  day: string;
  created_at: string;
}

/** What the provider consumed per attempt, retried and abandoned ones included (cost of goods). */
export interface BillingAttemptTable extends UsageColumns {
  run_id: string;
  attempt: number;
  outcome: 'completed' | 'aborted' | 'failed' | 'crashed';
  /** `provider`: counts the provider reported; `estimated`: counted from the streamed chunks. */
  source: 'provider' | 'estimated';
  created_at: string;
}

export interface Database {
  chat_runs: ChatRunTable;
  leases: LeaseTable;
  billing_charges: BillingChargeTable;
  billing_attempts: BillingAttemptTable;
}
