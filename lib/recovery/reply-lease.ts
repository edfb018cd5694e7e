/** The lease that admits one execution of a run's reply step at a time (see streamAgentReply). */
export function replyLeaseKey(runId: string): string {
  return `reply:${runId}`;
}

/** The reply lease's lifetime; its holder renews it every third of it. */
export const replyLeaseMs = 10_000;
