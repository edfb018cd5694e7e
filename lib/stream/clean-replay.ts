import type { UIMessageChunk } from 'ai';

/** What a reader of a finished run's stream is served from its `startIndex` on. */
export interface FinishedReplay {
  chunks: UIMessageChunk[];
  /** True when abandoned attempts were left out: the chunks are no longer the stream's, one for one. */
  clean: boolean;
}

/**
 * A `start` or `message-metadata` chunk describes the message, not an attempt's content: a
 * reset marker abandons the parts written before it, never the message's id or metadata (the
 * client's `normalizeMessage` keeps those too). An attempt that only replays stored steps writes
 * no `start` of its own, so without the first attempt's a reader would not learn the reply's id.
 */
function describesMessage(chunk: UIMessageChunk): boolean {
  return chunk.type === 'start' || chunk.type === 'message-metadata';
}

/**
 * The replay of a finished stream (its last chunk is `finish`) for a reader starting at
 * `startIndex`, given the stream's chunks from there on (`rest`).
 *
 * Every attempt after a retry or a crash writes a `data-reset` marker, then the whole reply again
 * (the steps earlier attempts completed are replayed from memory): the reply is what follows the
 * last marker. A reader that ignores markers (a plain AI SDK reader) would show the abandoned
 * attempts as well, so when `rest` holds a marker it gets the message-level chunks before the
 * last marker and everything after it: each part once, with the ids the attempt gave it, so
 * steps and parts open and close as in the stream.
 *
 * A reader that starts past 0 holds chunks already, all of them before the last marker and so
 * abandoned: it gets that marker too, which tells a marker-aware reader (the app's client) to
 * drop them. Dropping the abandoned attempts from what it holds and what it gets then gives
 * exactly the replay from 0. A reader starting after the last marker gets the stream as it is.
 */
export function finishedStreamReplay(rest: readonly UIMessageChunk[], startIndex: number): FinishedReplay {
  const lastReset = rest.findLastIndex((chunk) => chunk.type === 'data-reset');
  if (lastReset < 0) return { chunks: [...rest], clean: false };
  const abandoned = rest.slice(0, lastReset).filter(describesMessage);
  const marker = startIndex > 0 ? rest.slice(lastReset, lastReset + 1) : [];
  return { chunks: [...abandoned, ...marker, ...rest.slice(lastReset + 1)], clean: true };
}
