import type { UIMessageChunk } from 'ai';

type MergeableDelta = Extract<UIMessageChunk, { type: 'text-delta' | 'reasoning-delta' | 'tool-input-delta' }>;

function isMergeable(chunk: UIMessageChunk): chunk is MergeableDelta {
  return chunk.type === 'text-delta' || chunk.type === 'reasoning-delta' || chunk.type === 'tool-input-delta';
}

function sameTarget(a: MergeableDelta, b: MergeableDelta): boolean {
  if (a.type === 'tool-input-delta' || b.type === 'tool-input-delta') {
    return a.type === b.type && (a as { toolCallId: string }).toolCallId === (b as { toolCallId: string }).toolCallId;
  }
  return a.type === b.type && a.id === b.id;
}

function merge(a: MergeableDelta, b: MergeableDelta): MergeableDelta {
  if (a.type === 'tool-input-delta' && b.type === 'tool-input-delta') return { ...a, inputTextDelta: a.inputTextDelta + b.inputTextDelta };
  if (a.type !== 'tool-input-delta' && b.type !== 'tool-input-delta') return { ...a, delta: a.delta + b.delta };
  return a;
}

/** Chunks waiting to be written before `push` makes its caller wait (backpressure). */
const maxQueued = 64;

/**
 * Writes a turn's chunks to the durable stream in order, merging consecutive deltas of one part
 * while the previous write is still in flight (and, with `windowMs` > 0, for at least that long).
 *
 * A durable write takes a flush (about 10 ms on the local world) and the stream accepts one at a
 * time, so one chunk per token capped a fast model near 100 tokens/s. Merging only what piles up
 * behind a write adds no latency at a reader's pace and turns a burst into a few large deltas.
 * What a client assembles is unchanged: the same text in fewer, larger deltas.
 */
export class DeltaCoalescer {
  private readonly queue: UIMessageChunk[] = [];
  private pending: MergeableDelta | undefined;
  private pendingSince = 0;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly write: (chunk: UIMessageChunk) => Promise<void>,
    private readonly windowMs = 0,
  ) {}

  async push(chunk: UIMessageChunk): Promise<void> {
    this.throwIfFailed();
    if (isMergeable(chunk) && this.pending && sameTarget(this.pending, chunk)) {
      this.pending = merge(this.pending, chunk);
    } else {
      if (this.pending) this.queue.push(this.pending);
      this.pending = undefined;
      if (isMergeable(chunk)) {
        this.pending = chunk;
        this.pendingSince = performance.now();
      } else {
        this.queue.push(chunk);
      }
    }
    this.pump();
    while (this.queue.length > maxQueued && this.writing) await this.writing;
    this.throwIfFailed();
  }

  /** Writes everything pushed so far and waits until it is written. */
  async flush(): Promise<void> {
    if (this.pending) this.queue.push(this.pending);
    this.pending = undefined;
    this.pump();
    while (this.writing) await this.writing;
    this.throwIfFailed();
  }

  private pump(): void {
    if (this.writing || this.failure !== undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.queue.shift() ?? this.takeDuePending();
    if (!next) {
      if (this.pending) this.timer = setTimeout(() => this.pump(), Math.max(1, this.windowMs - (performance.now() - this.pendingSince)));
      return;
    }
    this.writing = this.write(next).then(
      () => {
        this.writing = undefined;
        this.pump();
      },
      (error: unknown) => {
        this.failure = error;
        this.writing = undefined;
      },
    );
  }

  private takeDuePending(): MergeableDelta | undefined {
    if (!this.pending || performance.now() - this.pendingSince < this.windowMs) return undefined;
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
