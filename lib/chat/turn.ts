import type { FinishReason, UIMessage } from 'ai';
import type { BillingChargeTable } from '../db/schema';

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

/** How a turn's stream ends; the closing step turns it into the terminal chunks. */
export type StreamEnding = { kind: 'finished'; finishReason: FinishReason | undefined } | { kind: 'failed'; errorText: string } | { kind: 'aborted'; reason: string };

/** How a run ended, as it is charged, counted in the metrics and listed. */
export type RunOutcome = BillingChargeTable['outcome'];

const outcomes = { finished: 'completed', aborted: 'aborted', failed: 'failed' } as const satisfies Record<StreamEnding['kind'], RunOutcome>;

export function outcomeOf<Ending extends StreamEnding>(ending: Ending): (typeof outcomes)[Ending['kind']] {
  return outcomes[ending.kind as Ending['kind']];
}
