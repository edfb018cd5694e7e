import type { UIMessageChunk } from 'ai';
import type { Logger } from './log';
import type { AppMetrics } from './metrics';

const firstTokenChunks = new Set<UIMessageChunk['type']>(['text-delta', 'reasoning-delta', 'tool-input-start']);

/** What an attempt consumed (billing's TokenUsage): counted in the metrics and logged whole. */
type ConsumedTokens = { inputTokens: number; outputTokens: number };

/**
 * Logs and metrics of one reply step attempt: retries, time to first token, tokens consumed and
 * how the attempt ended, and the active-streams gauge while it runs. `end()` must be called once.
 */
export class ReplyTelemetry {
  readonly #startedAt = performance.now();
  #firstTokenSeen = false;

  constructor(
    private readonly log: Logger,
    private readonly metrics: AppMetrics,
    attempt: number,
  ) {
    metrics.activeStreams.inc();
    if (attempt > 1) {
      metrics.replyRetries.inc();
      log.info('reply step retry');
    }
  }

  /** Sees every chunk the model produces for the client; the first text or tool chunk is the first token. */
  chunk(chunk: UIMessageChunk): void {
    if (this.#firstTokenSeen || !firstTokenChunks.has(chunk.type)) return;
    this.#firstTokenSeen = true;
    const seconds = (performance.now() - this.#startedAt) / 1000;
    this.metrics.timeToFirstToken.observe(seconds);
    this.log.info({ ttftMs: Math.round(seconds * 1000), chunkType: chunk.type }, 'first token');
  }

  /** The attempt produced its reply (`finished` or `aborted` by a Stop). */
  replied(ending: 'finished' | 'aborted', usage: ConsumedTokens): void {
    this.#countTokens(usage);
    this.log.info({ ending, tokens: usage, durationMs: this.#elapsedMs() }, `reply ${ending}`);
  }

  /** The model call failed: the step is retried when `retrying`, else the run fails. */
  failed(error: unknown, usage: ConsumedTokens, retrying: boolean): void {
    this.#countTokens(usage);
    const fields = { err: error, retrying, tokens: usage, durationMs: this.#elapsedMs() };
    if (retrying) this.log.warn(fields, 'reply attempt failed');
    else this.log.error(fields, 'reply failed');
  }

  end(): void {
    this.metrics.activeStreams.dec();
  }

  #countTokens(usage: ConsumedTokens): void {
    this.metrics.tokens.inc({ kind: 'input' }, usage.inputTokens);
    this.metrics.tokens.inc({ kind: 'output' }, usage.outputTokens);
  }

  #elapsedMs(): number {
    return Math.round(performance.now() - this.#startedAt);
  }
}
