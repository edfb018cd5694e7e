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

/** The part a delta belongs to: one text or reasoning block, or one tool call's input. */
function partOf(delta: MergeableDelta): string {
  return delta.type === 'tool-input-delta' ? `tool:${delta.toolCallId}` : `${delta.type}:${delta.id}`;
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
 * while the previous write is still in flight and, for the window `windowMs()` gives when a delta
 * arrives, at least that long. The first delta of each part is never held, so the first token
 * goes out as soon as it comes.
 *
 * Every chunk costs a durable write (a file or a row, an event to readers, a frame to decode), and
 * at 40 tokens/s one chunk per token made those the bulk of a turn under load. Merging what piles
 * up behind a write adds no latency at a reader's pace; the window trades a little smoothness for
 * fewer writes when the process is busy (see `coalesceWindowMs`). What a client assembles is
 * unchanged: the same text in fewer, larger deltas.
 */
export class DeltaCoalescer {
  private readonly queue: UIMessageChunk[] = [];
  private pending: MergeableDelta | undefined;
  private pendingSince = 0;
  private pendingWindowMs = 0;
  private lastPart: string | undefined;
  private writing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(
    private readonly write: (chunk: UIMessageChunk) => Promise<void>,
    private readonly windowMs: () => number = () => 0,
  ) {}

  async push(chunk: UIMessageChunk): Promise<void> {
    this.throwIfFailed();
    if (isMergeable(chunk) && this.pending && sameTarget(this.pending, chunk)) {
      this.pending = merge(this.pending, chunk);
    } else {
      if (this.pending) this.queue.push(this.pending);
      this.pending = undefined;
      if (isMergeable(chunk)) {
        const part = partOf(chunk);
        this.pending = chunk;
        this.pendingSince = performance.now();
        this.pendingWindowMs = part === this.lastPart ? this.windowMs() : 0;
        this.lastPart = part;
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
      if (this.pending) this.timer = setTimeout(() => this.pump(), Math.max(1, this.pendingWindowMs - (performance.now() - this.pendingSince)));
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
    if (!this.pending || performance.now() - this.pendingSince < this.pendingWindowMs) return undefined;
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}

/** Turns one process works on at once up to which deltas are never held. */
const quietTurns = 8;
/** Turns at once from which deltas are held for the whole `maxMs`. */
const busyTurns = 64;

/**
 * How long to hold deltas while the process works on `turns` turns (replies and closing steps,
 * the progress beat's count): nothing while it is quiet, rising to `maxMs` as it gets busy, where
 * one write per token would cost more than the load leaves (`STREAM_COALESCE_MS`, 100 ms by
 * default: ten updates a second per reader).
 */
export function coalesceWindowMs(maxMs: number, turns: number): number {
  if (turns <= quietTurns) return 0;
  return Math.round(maxMs * Math.min(1, (turns - quietTurns) / (busyTurns - quietTurns)));
}
