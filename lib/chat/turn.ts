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
}

/** How a turn's stream ends; the closing step turns it into the terminal chunks. */
export type StreamEnding =
  | { kind: 'finished'; finishReason: FinishReason | undefined }
  | { kind: 'failed'; errorText: string }
  | { kind: 'aborted'; reason: string };

/** How a run ended, as it is charged, counted in the metrics and listed. */
export type RunOutcome = BillingChargeTable['outcome'];

const outcomes = { finished: 'completed', aborted: 'aborted', failed: 'failed' } as const satisfies Record<StreamEnding['kind'], RunOutcome>;

export function outcomeOf<Ending extends StreamEnding>(ending: Ending): (typeof outcomes)[Ending['kind']] {
  return outcomes[ending.kind as Ending['kind']];
}
