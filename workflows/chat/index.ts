import type { ChatTurn } from '@/lib/chat/turn';
import { endStream } from './steps/end-stream';
import { streamAgentReply } from './steps/stream-agent-reply';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'The assistant could not answer';
}

/**
 * One assistant turn. Orchestration only: the reply is streamed by one step, and the stream is
 * always ended by another, whether the reply succeeded or failed for good.
 */
export async function chatTurnWorkflow(turn: ChatTurn) {
  'use workflow';
  try {
    const reply = await streamAgentReply(turn);
    await endStream({ kind: 'finished', finishReason: reply.finishReason });
    return reply;
  } catch (error) {
    await endStream({ kind: 'failed', errorText: describe(error) });
    throw error;
  }
}
