import type { UIMessageChunk } from 'ai';

/** A rule a UI chunk stream broke, at the chunk that broke it (or at the end, index = length). */
export interface StreamViolation {
  index: number;
  chunkType: string;
  message: string;
}

type ToolState = 'input-streaming' | 'input-available' | 'done';

/**
 * Checks a UI message chunk stream for the shape every reader relies on, one chunk at a time:
 * every delta and end has its start, tool input comes before tool output and a call gets one
 * outcome, steps do not nest and close what they opened, and exactly one `finish` ends it all.
 * A `data-reset` marker (see message-protocol.ts) abandons whatever the interrupted attempt left
 * open: the next attempt starts from a clean state.
 */
export class UIStreamValidator {
  readonly violations: StreamViolation[] = [];
  private index = 0;
  private finished = false;
  private ended = false;
  private stepOpen = false;
  private readonly openText = new Set<string>();
  private readonly openReasoning = new Set<string>();
  private readonly tools = new Map<string, ToolState>();

  push(chunk: UIMessageChunk): void {
    const fail = (message: string) => this.violations.push({ index: this.index, chunkType: chunk.type, message });
    if (this.finished) fail('chunk after the terminal finish');
    else this.check(chunk, fail);
    this.index++;
  }

  /** Call once after the last chunk; returns every violation found. */
  end(): StreamViolation[] {
    if (!this.finished) this.violations.push({ index: this.index, chunkType: 'end', message: 'stream has no terminal finish chunk' });
    return this.violations;
  }

  private check(chunk: UIMessageChunk, fail: (message: string) => void): void {
    if (this.ended && chunk.type !== 'finish' && chunk.type !== 'message-metadata') fail(`${chunk.type} after the stream ended with abort or error`);
    switch (chunk.type) {
      case 'data-reset':
        this.reset();
        return;
      case 'start-step':
        if (this.stepOpen) fail('start-step inside an open step');
        this.stepOpen = true;
        return;
      case 'finish-step':
        if (!this.stepOpen) fail('finish-step without start-step');
        if (this.openText.size + this.openReasoning.size > 0) fail('finish-step with a text or reasoning part still open');
        if ([...this.tools.values()].includes('input-streaming')) fail('finish-step with tool input still streaming');
        this.stepOpen = false;
        return;
      case 'text-start':
      case 'reasoning-start':
        this.open(chunk.type === 'text-start' ? this.openText : this.openReasoning, chunk.id, fail);
        return;
      case 'text-delta':
      case 'reasoning-delta':
        if (!(chunk.type === 'text-delta' ? this.openText : this.openReasoning).has(chunk.id)) fail(`delta for part ${chunk.id}, which is not open`);
        return;
      case 'text-end':
      case 'reasoning-end':
        if (!(chunk.type === 'text-end' ? this.openText : this.openReasoning).delete(chunk.id)) fail(`end for part ${chunk.id}, which is not open`);
        return;
      case 'tool-input-start':
        this.requireStep(fail);
        if (this.tools.has(chunk.toolCallId)) fail(`tool call ${chunk.toolCallId} started twice`);
        this.tools.set(chunk.toolCallId, 'input-streaming');
        return;
      case 'tool-input-delta':
        if (this.tools.get(chunk.toolCallId) !== 'input-streaming') fail(`input delta for tool call ${chunk.toolCallId}, whose input is not streaming`);
        return;
      case 'tool-input-available':
      case 'tool-input-error': {
        this.requireStep(fail);
        const state = this.tools.get(chunk.toolCallId);
        if (state !== undefined && state !== 'input-streaming') fail(`input for tool call ${chunk.toolCallId} completed twice`);
        this.tools.set(chunk.toolCallId, chunk.type === 'tool-input-error' ? 'done' : 'input-available');
        return;
      }
      case 'tool-output-available':
      case 'tool-output-error':
      case 'tool-output-denied':
        if (this.tools.get(chunk.toolCallId) !== 'input-available') fail(`output for tool call ${chunk.toolCallId} before its input is available, or twice`);
        this.tools.set(chunk.toolCallId, 'done');
        return;
      case 'abort':
      case 'error':
        this.ended = true;
        return;
      case 'finish':
        if (this.stepOpen && !this.ended) fail('finish with a step still open');
        this.finished = true;
        return;
      default:
        return;
    }
  }

  private open(parts: Set<string>, id: string, fail: (message: string) => void): void {
    this.requireStep(fail);
    if (parts.has(id)) fail(`part ${id} started twice`);
    parts.add(id);
  }

  private requireStep(fail: (message: string) => void): void {
    if (!this.stepOpen) fail('content outside a step');
  }

  private reset(): void {
    this.stepOpen = false;
    this.openText.clear();
    this.openReasoning.clear();
    for (const [id, state] of this.tools) if (state !== 'done') this.tools.delete(id);
  }
}

/** Every rule the whole stream breaks; an empty list means it is well formed. */
export function validateUIStream(chunks: Iterable<UIMessageChunk>): StreamViolation[] {
  const validator = new UIStreamValidator();
  for (const chunk of chunks) validator.push(chunk);
  return validator.end();
}
