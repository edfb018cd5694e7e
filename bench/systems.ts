import { randomUUID } from 'node:crypto';
import { getStream, postChat, runIdOf, type Session, userMessage } from '../test/support/chat-client';

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

function postBaseline(baseUrl: string, path: string, session: Session, text: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    signal,
    headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: randomUUID(), messages: [userMessage(text)] }),
  });
}

export function directSystem(baseUrl: string): ChatSystem {
  return {
    name: 'direct',
    label: '(a) direct, no durability',
    baseUrl,
    resumesFinished: false,
    async start(session, text, signal) {
      return { response: await postBaseline(baseUrl, '/api/bench/direct', session, text, signal), handle: '' };
    },
  };
}

export function resumableStreamSystem(baseUrl: string): ChatSystem {
  return {
    name: 'resumable-stream',
    label: '(b) resumable-stream on Redis',
    baseUrl,
    resumesFinished: false,
    async start(session, text, signal) {
      const response = await postBaseline(baseUrl, '/api/bench/resumable', session, text, signal);
      return { response, handle: response.headers.get('x-resumable-stream-id') ?? '' };
    },
    resume: (session, handle) => fetch(`${baseUrl}/api/bench/resumable/${handle}`, { headers: { authorization: `Bearer ${session.token}` } }),
  };
}

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
