import type { ChatTurn } from '@/lib/chat/turn';
import { endStream } from './steps/end-stream';
import { streamAgentReply } from './steps/stream-agent-reply';

// Errors cross from the step into the workflow sandbox, another realm: `instanceof Error` fails.
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return 'The assistant could not answer';
}

/**
 * One assistant turn. Orchestration only: the reply is streamed by one step, and the stream is
 * always ended by another, whether the reply succeeded or failed for good.
 */
export async function chatTurnWorkflow(turn: ChatTurn) {
  'use workflow';
  try {
    const reply = await streamAgentReply(turn);
    await endStream(reply);
    return reply;
  } catch (error) {
    await endStream({ kind: 'failed', errorText: describe(error) });
    throw error;
  }
}
