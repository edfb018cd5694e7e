import type { UIMessage } from 'ai';

/** One assistant turn: what the workflow needs, passed explicitly from the authenticated request. */
export interface ChatTurn {
  threadId: string;
  userId: string;
  /** The new user message; earlier history comes from memory, never from the client. */
  message: UIMessage;
  /** The thread's previous run, still active when this one started; this turn waits for it. */
  waitsForRunId: string | null;
  /**
   * A regenerate or an edit: the thread is cut after the user message before the agent runs
   * (a regenerated answer is kept as an earlier version first). Absent on an ordinary turn.
   */
  replaces?: Replacement | null;
}

/** What a regenerate or an edit replaces: the answer of `runId` (and, for an edit, all after it). */
export interface Replacement {
  kind: 'regenerate' | 'edit';
  runId: string;
}
