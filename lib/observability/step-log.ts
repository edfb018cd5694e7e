import { getStepMetadata, getWorkflowMetadata } from 'workflow';
import type { ChatTurn } from '../chat/turn';
import { type Logger, runLogger } from './log';

/** Inside a workflow step: a logger naming the run, thread, user, the step and its attempt. */
export function stepLogger(turn: Pick<ChatTurn, 'threadId' | 'userId'>): Logger {
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { stepName, attempt } = getStepMetadata();
  return runLogger({ runId, threadId: turn.threadId, userId: turn.userId }).child({ step: stepName, attempt });
}
