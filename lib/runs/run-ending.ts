import type { FinishReason } from 'ai';
import type { BillingChargeTable } from '../db/schema';

/** How a turn's stream ends; the closing step turns it into the terminal chunks. */
export type StreamEnding = { kind: 'finished'; finishReason: FinishReason | undefined } | { kind: 'failed'; errorText: string } | { kind: 'aborted'; reason: string };

/** How a run ended, as it is charged, counted in the metrics and listed. */
export type RunOutcome = BillingChargeTable['outcome'];

const outcomes = { finished: 'completed', aborted: 'aborted', failed: 'failed' } as const satisfies Record<StreamEnding['kind'], RunOutcome>;

export function outcomeOf<Ending extends StreamEnding>(ending: Ending): (typeof outcomes)[Ending['kind']] {
  return outcomes[ending.kind as Ending['kind']];
}
