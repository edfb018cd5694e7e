import type { UIMessageChunk } from 'ai';
import { estimatedTokens } from '../chat/token-chunks';
import { addUsage, noUsage, sumUsage, type TokenUsage } from './usage';

export interface MeteredUsage {
  usage: TokenUsage;
  /** `estimated` when part of it was counted from streamed chunks, not reported by the provider. */
  source: 'provider' | 'estimated';
}

/**
 * Adds up what one attempt consumed: the provider's usage for every finished LLM step, plus the
 * step still in flight when the attempt stopped or failed. A provider reports nothing for an
 * interrupted step, so unless its error carries usage, that step's output is estimated from
 * the streamed deltas (`estimatedTokens`) and its input as zero.
 */
export class UsageMeter {
  private readonly finished: TokenUsage[] = [];
  private inFlight = false;
  private streamedTokens = 0;

  stepFinished(usage: TokenUsage): void {
    this.finished.push(usage);
  }

  observe(chunk: UIMessageChunk): void {
    if (chunk.type === 'start-step') {
      this.inFlight = true;
      this.streamedTokens = 0;
    } else if (chunk.type === 'finish-step') {
      this.inFlight = false;
    } else {
      this.streamedTokens += estimatedTokens(chunk);
    }
  }

  /** Usage of the finished steps only: what a completed attempt consumed. */
  completed(): MeteredUsage {
    return { usage: sumUsage(this.finished), source: 'provider' };
  }

  /** Usage including the interrupted step, from the provider's report when there is one. */
  interrupted(reportedForInFlightStep?: TokenUsage): MeteredUsage {
    const finished = sumUsage(this.finished);
    if (reportedForInFlightStep) return { usage: addUsage(finished, reportedForInFlightStep), source: 'provider' };
    if (!this.inFlight) return { usage: finished, source: 'provider' };
    return { usage: addUsage(finished, { ...noUsage, outputTokens: this.streamedTokens }), source: 'estimated' };
  }
}
