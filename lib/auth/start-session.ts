import type { AppDatabase } from '../db/database';
import type { SessionLimits } from '../limits/session-limits';
import { createSession, presentedSession, type Session } from './session';

export interface SessionContext {
  authSecret: Uint8Array;
  db: AppDatabase;
  sessionLimits: SessionLimits;
}

/**
 * The caller's session: the one it presents when that is still valid (a second tab, a replayed
 * or forged form post never replaces a user's identity), else a new anonymous user, counted
 * against the client address's limit.
 */
export async function startSession(context: SessionContext, request: Request, clientAddress: string): Promise<Session> {
  const existing = await presentedSession(request, context);
  if (existing) return existing;
  await context.sessionLimits.countNewSession(clientAddress);
  return createSession(context.authSecret);
}
