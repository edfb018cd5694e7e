import { readUIMessageStream, type UIMessage, type UIMessageChunk } from 'ai';
import { normalizeMessage } from '../stream/message-protocol';

/** The part of a stopped reply memory does not hold yet: the LLM steps that never finished. */
export interface UnfinishedSteps {
  /** Steps of the turn that finished and that memory holds (earlier attempts' included). */
  keptSteps: number;
  /** What the client was shown of the steps after them, as UI parts, with the provider's ids. */
  parts: UIMessage['parts'];
}

/**
 * Keeps the chunks of the LLM steps of one attempt that have not finished, so that a stopped
 * reply can be stored exactly as it was streamed.
 *
 * Mastra stores each finished step (`savePerStep`), but what it stores of the step a Stop cuts
 * short depends on where the Stop lands: sometimes nothing, sometimes the partial text under an
 * assistant message of its own, never a tool call whose input was still streaming. The chunks
 * handed to the stream are what every client shows, so they are the record of that step.
 */
export class UnfinishedStepRecorder {
  private readonly steps: UIMessageChunk[][] = [];
  private finished = 0;

  constructor(private readonly firstStepIndex: number) {}

  /** A chunk as it is written to the stream (before attempt scoping). */
  observe(chunk: UIMessageChunk): void {
    if (chunk.type === 'start-step') this.steps.push([]);
    this.steps.at(-1)?.push(chunk);
  }

  /** Mastra reported (and stored) a finished step: the oldest step still open. */
  stepFinished(): void {
    this.finished += 1;
  }

  async unfinished(): Promise<UnfinishedSteps> {
    const chunks = this.steps.slice(this.finished).flat();
    return { keptSteps: this.firstStepIndex + this.finished, parts: await assembledParts(chunks) };
  }
}

async function assembledParts(chunks: UIMessageChunk[]): Promise<UIMessage['parts']> {
  if (chunks.length === 0) return [];
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of [{ type: 'start' } as const, ...chunks]) controller.enqueue(chunk);
      controller.close();
    },
  });
  let message: UIMessage | undefined;
  for await (const update of readUIMessageStream({ stream })) message = update;
  // In the form every client keeps once the stream has ended.
  return message ? normalizeMessage(message).parts : [];
}
