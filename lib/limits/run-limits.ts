import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '../config';
import type { AppDatabase } from '../db/database';
import { withLease } from '../db/leases';
import { AppError } from '../errors';
import { activeRunsOfUser, countUnsettledRuns } from '../runs/active-run';
import type { WindowCounters } from './counter-store';

/** How long a client told "too many active runs" should wait before trying again. */
const activeRunsRetryAfterSeconds = 2;
const userLock = {
  ttlMs: 10_000,
  waitMs: 5_000,
  pollMs: 15,
  busy: () => new AppError('conflict:user_busy', 'Too many turns are starting at once; try again'),
};
const globalLock = { ...userLock, busy: () => new AppError('rate_limited:server_busy', 'The server is starting too many turns at once; try again', { headers: { 'retry-after': '1' } }) };

export interface RunLimits {
  /**
   * Starts a run for the user if their limits allow it, else throws `rate_limited:*` (429 with
   * Retry-After) without calling `start`. The active-run check and `start` hold the user's lock,
   * so concurrent requests from several tabs or instances cannot all slip under the limit.
   */
  admit<T>(userId: string, start: () => Promise<T>): Promise<T>;
}

function tooManyRuns(limit: number, windowSeconds: number, msBeforeNext: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('rate_limited:runs', `Too many new turns: the limit is ${limit} per ${windowSeconds} s; try again in ${retryAfter} s`, {
    details: { limit, windowSeconds, retryAfterSeconds: retryAfter },
    headers: { 'retry-after': String(retryAfter) },
  });
}

function tooManyActiveRuns(limit: number): AppError {
  return new AppError('rate_limited:active_runs', `Too many turns answering at once: the limit is ${limit}; wait for one to finish or stop one`, {
    details: { limit, retryAfterSeconds: activeRunsRetryAfterSeconds },
    headers: { 'retry-after': String(activeRunsRetryAfterSeconds) },
  });
}

function serverAtCapacity(limit: number): AppError {
  return new AppError('rate_limited:server_busy', `The server is answering its limit of ${limit} turns at once; try again shortly`, {
    details: { retryAfterSeconds: activeRunsRetryAfterSeconds },
    headers: { 'retry-after': String(activeRunsRetryAfterSeconds) },
  });
}

export function createRunLimits(config: Pick<AppConfig, 'rateLimits'>, db: AppDatabase, counters: WindowCounters): RunLimits {
  const { runsPerWindow, windowSeconds, activeRuns, globalActiveRuns } = config.rateLimits;
  const counter = runsPerWindow > 0 ? counters({ keyPrefix: 'runs', points: runsPerWindow, windowSeconds }) : undefined;

  async function countStart(userId: string): Promise<void> {
    if (!counter) return;
    try {
      await counter.consume(userId);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooManyRuns(runsPerWindow, windowSeconds, rejection.msBeforeNext);
      throw rejection;
    }
  }

  // Per-user limits are escaped by minting new users, so the installation's capacity has a
  // limit of its own. The count and the start hold one lease, so concurrent starts on every
  // instance cannot all slip under it.
  async function startWithinCapacity<T>(start: () => Promise<T>): Promise<T> {
    if (globalActiveRuns === 0) return start();
    return withLease(db, 'global-runs', globalLock, async () => {
      if ((await countUnsettledRuns(db)) >= globalActiveRuns) throw serverAtCapacity(globalActiveRuns);
      return start();
    });
  }

  return {
    async admit(userId, start) {
      await countStart(userId);
      if (activeRuns === 0) return startWithinCapacity(start);
      return withLease(db, `user-runs:${userId}`, userLock, async () => {
        if ((await activeRunsOfUser(db, userId)).length >= activeRuns) throw tooManyActiveRuns(activeRuns);
        return startWithinCapacity(start);
      });
    },
  };
}
