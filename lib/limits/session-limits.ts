import { RateLimiterRes } from 'rate-limiter-flexible';
import type { AppConfig } from '../config';
import { AppError } from '../errors';
import type { WindowCounters } from './counter-store';

export interface SessionLimits {
  /** Counts a new session for the client address; throws `rate_limited:sessions` (429) over the limit. */
  countNewSession(clientAddress: string): Promise<void>;
}

/**
 * Every new session is a fresh user with fresh per-user limits, so minting sessions is limited
 * per client address, in the same store as the run counters.
 */
export function createSessionLimits(config: Pick<AppConfig, 'rateLimits'>, counters: WindowCounters): SessionLimits {
  const { sessionsPerWindow, windowSeconds } = config.rateLimits;
  const counter = sessionsPerWindow > 0 ? counters({ keyPrefix: 'sessions', points: sessionsPerWindow, windowSeconds }) : undefined;
  return {
    async countNewSession(clientAddress) {
      if (!counter) return;
      try {
        await counter.consume(clientAddress);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError('rate_limited:sessions', `Too many new sessions from this address: the limit is ${sessionsPerWindow} per ${windowSeconds} s`, {
          details: { limit: sessionsPerWindow, windowSeconds, retryAfterSeconds: retryAfter },
          headers: { 'retry-after': String(retryAfter) },
        });
      }
    },
  };
}
