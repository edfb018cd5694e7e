/**
 * The retry budget of every step of a turn. The runtime counts each delivery of a step as an
 * attempt, and a crash (the step re-runs after the restart) or a duplicate delivery is one too:
 * with the default of 3 retries, a step that several SIGKILLs caught (the queued turn's wait for
 * the previous one, above all) failed its run though nothing was wrong with it. The steps are
 * idempotent, so running one again costs nothing but time; a step that fails for a reason of its
 * own still ends the run, about 20 s later.
 */
export const stepRetries = 20;
