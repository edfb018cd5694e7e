import { setTimeout as sleep } from 'node:timers/promises';
import type { UIMessageChunk } from 'ai';
import { getStream, postChatWith, readUntil, runIdOf, stopRun, userMessage } from './chat-client';

/** Small seeded generator, so a failing run can be replayed from its printed seed. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Where the live instances are right now; a crashed one is absent until it has restarted. */
export type LiveUrls = () => string[];

async function someLive(urls: LiveUrls, random: () => number): Promise<string> {
  for (;;) {
    const live = urls();
    if (live.length > 0) return live[Math.floor(random() * live.length)] as string;
    await sleep(50);
  }
}

/**
 * Calls `attempt` on a live instance until it answers: a request that meets a dead or
 * restarting server is sent again, as a client with retries would.
 */
export async function untilAnswered<T>(urls: LiveUrls, random: () => number, attempt: (url: string) => Promise<T>, deadlineMs = 90_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await attempt(await someLive(urls, random));
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(100);
    }
  }
}

/**
 * Sends a message under `onActiveRun: 'enqueue'` until a server takes it. A resend carries the
 * same message id, so a crash after the turn started attaches to that turn instead of a new one.
 */
export async function sendQueued(urls: LiveUrls, random: () => number, token: string, threadId: string, text: string, messageId: string): Promise<string> {
  return untilAnswered(urls, random, async (url) => {
    const response = await postChatWith(url, token, { id: threadId, messages: [userMessage(text, messageId)], onActiveRun: 'enqueue' });
    if (response.status !== 200) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
    const runId = runIdOf(response);
    await response.body?.cancel();
    return runId;
  });
}

export async function stopQueued(urls: LiveUrls, random: () => number, token: string, runId: string): Promise<void> {
  await untilAnswered(urls, random, async (url) => {
    const response = await stopRun(url, token, runId);
    if (response.status !== 202) throw new Error(`DELETE answered ${response.status}`);
  });
}

/**
 * Follows one run's stream the way a browser does: from the last index it has, on whichever
 * instance is up, reconnecting after every crash, until `finish`. Keeps when each chunk arrived.
 */
export class LiveReader {
  readonly chunks: UIMessageChunk[] = [];
  readonly arrivals: number[] = [];
  readonly done: Promise<void>;

  constructor(urls: LiveUrls, random: () => number, token: string, runId: string, onChunk?: (reader: LiveReader) => void) {
    this.done = (async () => {
      while (this.chunks.at(-1)?.type !== 'finish') {
        try {
          const url = await someLive(urls, random);
          const response = await getStream(url, token, runId, this.chunks.length);
          if (response.status !== 200) throw new Error(`stream answered ${response.status}`);
          await readUntil(response, (seen) => {
            const chunk = seen.at(-1);
            if (chunk) {
              this.chunks.push(chunk);
              this.arrivals.push(Date.now());
              onChunk?.(this);
            }
            return false;
          });
        } catch {
          await sleep(100);
        }
      }
    })();
  }

  get finished(): boolean {
    return this.chunks.at(-1)?.type === 'finish';
  }

  /** When the first chunk after `time` arrived, if one did. */
  firstArrivalAfter(time: number): number | undefined {
    return this.arrivals.find((arrival) => arrival > time);
  }
}

export function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}
