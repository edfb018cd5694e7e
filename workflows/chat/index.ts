import type { ChatTurn } from '@/lib/chat/turn';
import { cutThread } from './steps/cut-thread';
import { failTurn } from './steps/fail-turn';
import { finishTurn } from './steps/finish-turn';
import { streamAgentReply } from './steps/stream-agent-reply';
import { waitForPreviousTurn } from './steps/wait-for-previous-turn';

// Errors cross from the step into the workflow sandbox, another realm: `instanceof Error` fails.
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return 'The assistant could not answer';
}

/**
 * One assistant turn. Orchestration only: wait for the thread's previous turn if there is one,
 * cut the thread after the user message for a regenerate or an edit, stream the reply (its
 * step stores the user message first), then close the turn: memory aligned with the stream,
 * the run charged once, the stream ended, whether the reply finished, was stopped or failed
 * for good. Every step is a queue hop, a workflow replay and three events, so a turn has as
 * few as its guarantees allow: two, one more to wait and one more to cut the thread.
 */
export async function chatTurnWorkflow(turn: ChatTurn) {
  'use workflow';
  try {
    if (turn.waitsForRunId) await waitForPreviousTurn(turn.waitsForRunId);
    if (turn.replaces && (await cutThread(turn)) === 'superseded') return null;
    const reply = await streamAgentReply(turn);
    // A run the route started but never recorded before it crashed; the resent request's run answers.
    if (reply === 'superseded') return null;
    return await finishTurn(turn, reply);
  } catch (error) {
    await failTurn(turn, describe(error));
    throw error;
  }
}
