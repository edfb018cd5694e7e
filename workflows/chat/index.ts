import { type ChatTurn, outcomeOf } from '@/lib/chat/turn';
import { alignStoredReply } from './steps/align-stored-reply';
import { cutThread } from './steps/cut-thread';
import { endStream } from './steps/end-stream';
import { recordUsage } from './steps/record-usage';
import { saveUserMessage } from './steps/save-user-message';
import { streamAgentReply } from './steps/stream-agent-reply';
import { waitForPreviousTurn } from './steps/wait-for-previous-turn';

// Errors cross from the step into the workflow sandbox, another realm: `instanceof Error` fails.
function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return 'The assistant could not answer';
}

/**
 * One assistant turn. Orchestration only: wait for the thread's previous turn if there is one,
 * cut the thread after the user message for a regenerate or an edit, store the user message,
 * stream the reply, align memory with the stream, charge the run once, and always end the
 * stream, whether the reply finished, was stopped or failed for good.
 */
export async function chatTurnWorkflow(turn: ChatTurn) {
  'use workflow';
  try {
    if (turn.waitsForRunId) await waitForPreviousTurn(turn.waitsForRunId);
    if (turn.replaces) await cutThread(turn);
    await saveUserMessage(turn);
    const reply = await streamAgentReply(turn);
    await alignStoredReply(turn, reply.messageId, reply.unfinished);
    const billed = await recordUsage(turn, { kind: outcomeOf(reply.ending), attempt: reply.attempt, consumed: reply.consumed, carried: reply.carried });
    await endStream(reply.ending, billed);
    return billed;
  } catch (error) {
    await recordUsage(turn, { kind: 'failed' });
    await endStream({ kind: 'failed', errorText: describe(error) });
    throw error;
  }
}
