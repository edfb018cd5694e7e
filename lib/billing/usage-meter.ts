import type { UIMessageChunk } from 'ai';
import { estimatedTokens } from './token-chunks';
import { addUsage, noUsage, sumUsage, type TokenUsage } from './usage';

export interface MeteredUsage {
  usage: TokenUsage;
  /** `estimated` when part of it was counted from streamed chunks, not reported by the provider. */
  source: 'provider' | 'estimated';
}

/**
 * Adds up what one attempt consumed: the provider's usage for every finished LLM step, plus the
 * steps that had started when the attempt stopped or failed. A provider reports nothing for a
 * call it did not finish, so unless its error carries usage, such a step is charged the
 * estimated size of the prompt it was sent (`promptSent`, when the provider consumed it) and
 * one token per streamed delta (`estimatedTokens`): the same chunks the stream shows and
 * memory keeps of it.
 */
export class UsageMeter {
  private readonly finished: TokenUsage[] = [];
  /** Estimated input of each model call this attempt started, in order. */
  private readonly prompts: number[] = [];
  /** Output tokens streamed by each LLM step of this attempt, in order. */
  private readonly streamed: number[] = [];

  promptSent(inputTokens: number): void {
    this.prompts.push(inputTokens);
  }

  stepFinished(usage: TokenUsage): void {
    this.finished.push(usage);
  }

  observe(chunk: UIMessageChunk): void {
    if (chunk.type === 'start-step') this.streamed.push(0);
    else {
      const step = this.streamed.length - 1;
      const sofar = this.streamed[step];
      if (sofar !== undefined) this.streamed[step] = sofar + estimatedTokens(chunk);
    }
  }

  /** Usage of the finished steps only: what a completed attempt consumed. */
  completed(): MeteredUsage {
    return { usage: sumUsage(this.finished), source: 'provider' };
  }

  /** Usage including the steps a Stop cut short: the provider had been sent their prompts. */
  stopped(): MeteredUsage {
    return this.unfinished(undefined, () => true);
  }

  /**
   * Usage including the step a provider error ended, from the provider's report when there is
   * one. Without a report its prompt is charged only if the provider had begun answering: a
   * request it refused outright (a bad key, a bad request) consumed nothing.
   */
  failed(reportedForInFlightStep?: TokenUsage): MeteredUsage {
    return this.unfinished(reportedForInFlightStep, (step) => (this.streamed[step] ?? 0) > 0);
  }

  private unfinished(reportedForInFlightStep: TokenUsage | undefined, promptConsumed: (step: number) => boolean): MeteredUsage {
    const finished = sumUsage(this.finished);
    if (reportedForInFlightStep) return { usage: addUsage(finished, reportedForInFlightStep), source: 'provider' };
    const started = Math.max(this.prompts.length, this.streamed.length);
    if (started <= this.finished.length) return { usage: finished, source: 'provider' };
    let usage = finished;
    for (let step = this.finished.length; step < started; step++) {
      const inputTokens = promptConsumed(step) ? (this.prompts[step] ?? 0) : 0;
      usage = addUsage(usage, { ...noUsage, inputTokens, outputTokens: this.streamed[step] ?? 0 });
    }
    return { usage, source: 'estimated' };
  }
}
