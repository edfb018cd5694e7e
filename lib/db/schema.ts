import type { ColumnType } from 'kysely';

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
  /** How many chunks the run's stream holds, recorded once when the stream is closed. */
  stream_chunks: number | null;
  /** Epoch ms of the run's last sign of life (a step working on it); the watchdog reads it. */
  progress_at: number | null;
  /** Times the watchdog resumed the run since it last made progress; past a bound it is ended. */
  stalls: ColumnType<number, number | undefined, number>;
  /**
   * When the run's replay data (stream, workflow events and steps, the world's run record) was
   * removed after the retention period; null while it is kept.
   */
  pruned_at: string | null;
  /** The world's final status, start and end of a pruned run (the world no longer knows them). */
  final_status: string | null;
  started_at: string | null;
  ended_at: string | null;
  /** A regenerate or edit: the run whose answer this turn replaces (see lib/chat/turn-plan.ts). */
  replaces_run_id: string | null;
  /** sha-256 of the user message's parts, to recognize a resent edit. */
  message_digest: string | null;
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

/**
 * What one finished LLM step of a turn consumed, by the attempt that ran it. `step_index` counts
 * steps across the turn (an attempt that continues after two kept steps starts at 2), so the
 * charge for a turn whose steps came from several attempts is the sum of the steps it kept.
 */
export interface BillingStepTable {
  run_id: string;
  step_index: number;
  attempt: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  created_at: string;
}

/**
 * A tool call that completed, by run and call key (the tool and its canonical input): a call
 * made again in the same run, by a retried step or a regenerated one, gets this result instead
 * of running the tool again.
 */
export interface ToolCallTable {
  run_id: string;
  call_key: string;
  tool_name: string;
  /** The provider's id for the call that ran the tool. */
  tool_call_id: string;
  input: string;
  output: string;
  created_at: string;
}

/** Notes saved by the `save_note` tool: the demo of a durable side effect. */
export interface NoteTable {
  note_id: string;
  user_id: string;
  thread_id: string;
  run_id: string;
  title: string;
  body: string;
  created_at: string;
}

/** Secrets generated once per installation (the session signing key when AUTH_SECRET is unset). */
export interface AppSecretTable {
  name: string;
  value: string;
}

export interface MessageClaimTable {
  message_id: string;
  user_id: string;
  thread_id: string;
}

export interface SessionRevocationTable {
  user_id: string;
  revoked_at: string;
}

/** An earlier answer to a user message, replaced by a regenerate; the current one lives in memory. */
export interface MessageVersionTable {
  thread_id: string;
  /** The answer's own id (`reply_<runId>` for answers the app streamed). */
  message_id: string;
  user_message_id: string;
  run_id: string | null;
  /** The answer's UI parts, JSON. */
  parts: string;
  created_at: string;
}

/** A deleted thread: its id stays taken, and everything under it answers 404. */
export interface DeletedThreadTable {
  thread_id: string;
  user_id: string;
  deleted_at: string;
}

export interface Database {
  chat_runs: ChatRunTable;
  leases: LeaseTable;
  billing_charges: BillingChargeTable;
  billing_attempts: BillingAttemptTable;
  billing_steps: BillingStepTable;
  tool_calls: ToolCallTable;
  notes: NoteTable;
  app_secrets: AppSecretTable;
  message_claims: MessageClaimTable;
  session_revocations: SessionRevocationTable;
  message_versions: MessageVersionTable;
  deleted_threads: DeletedThreadTable;
}
