import { randomUUID } from 'node:crypto';
import { getStream, postChat, postChatWith, runIdOf, type Session, userMessage } from '../test/support/chat-client';

/** One way of serving a chat turn, as the benchmark drives it. */
export interface ChatSystem {
  name: 'direct' | 'resumable-stream' | 'ours-local' | 'ours-postgres';
  label: string;
  baseUrl: string;
  /** Starts a turn; the response streams it. `handle` identifies it for a resume. */
  start(session: Session, text: string, signal?: AbortSignal): Promise<{ response: Response; handle: string }>;
  /** Re-attaches from chunk `startIndex` (ours) or from where the stream is now (resumable-stream). */
  resume?(session: Session, handle: string, startIndex: number): Promise<Response>;
  /** Whether a finished turn can still be replayed. */
  resumesFinished: boolean;
}

/**
 * A baseline route (`BENCH_BASELINES=1`): the same agent without durability. With `resumePath`,
 * it can re-attach to a live reply through the stream id it answers with.
 */
function baselineSystem(baseUrl: string, options: { name: 'direct' | 'resumable-stream'; label: string; path: string; resumePath?: string }): ChatSystem {
  const { resumePath } = options;
  return {
    name: options.name,
    label: options.label,
    baseUrl,
    resumesFinished: false,
    async start(session, text, signal) {
      const response = await postChatWith(baseUrl, session.token, { id: randomUUID(), messages: [userMessage(text)] }, { signal }, options.path);
      return { response, handle: response.headers.get('x-resumable-stream-id') ?? '' };
    },
    ...(resumePath && { resume: (session: Session, handle: string) => fetch(`${baseUrl}${resumePath}/${handle}`, { headers: { authorization: `Bearer ${session.token}` } }) }),
  };
}

export const directSystem = (baseUrl: string) => baselineSystem(baseUrl, { name: 'direct', label: '(a) direct, no durability', path: '/api/bench/direct' });

export const resumableStreamSystem = (baseUrl: string) =>
  baselineSystem(baseUrl, { name: 'resumable-stream', label: '(b) resumable-stream on Redis', path: '/api/bench/resumable', resumePath: '/api/bench/resumable' });

export function durableSystem(name: 'ours-local' | 'ours-postgres', baseUrl: string): ChatSystem {
  return {
    name,
    label: name === 'ours-local' ? '(c) ours, local world' : '(d) ours, Postgres world',
    baseUrl,
    resumesFinished: true,
    async start(session, text, signal) {
      const response = await postChat(baseUrl, session.token, randomUUID(), text, { signal });
      return { response, handle: runIdOf(response) };
    },
    resume: (session, handle, startIndex) => getStream(baseUrl, session.token, handle, startIndex),
  };
}
