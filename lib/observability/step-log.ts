import { getStepMetadata, getWorkflowMetadata } from 'workflow';
import { type Logger, runLogger } from './log';

/**
 * Inside a workflow step: a logger naming the run, thread, user, the step and its attempt. A step
 * that only knows the run looks its thread and user up (they are absent if the run is unknown).
 * A turn passes itself: only its `threadId` and `userId` are read.
 */
export function stepLogger(turn: { threadId?: string; userId?: string }): Logger {
  const { workflowRunId: runId } = getWorkflowMetadata();
  const { stepName, attempt } = getStepMetadata();
  // Step names read `step//./workflows/chat/steps/<file>//<function>`; the function names the step.
  const step = stepName.split('//').at(-1);
  return runLogger({ runId, threadId: turn.threadId, userId: turn.userId }).child({ step, attempt });
}
