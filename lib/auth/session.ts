import type { AppDatabase } from '../db/database';
import { AppError } from '../errors';
import { newUserId, sessionLifetime, signSessionToken, verifySessionToken } from './session-token';

export const sessionCookieName = 'durable_chat_session';

export interface Session {
  userId: string;
  token: string;
}

/** What checking a session needs: the signing secret and the revocations. */
export interface SessionKeys {
  authSecret: Uint8Array;
  db: AppDatabase;
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1) continue;
    if (pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

function bearerToken(header: string | null): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/** The token a request presents: `Authorization: Bearer`, else the session cookie. */
function presentedToken(request: Request): string | undefined {
  const authorization = request.headers.get('authorization');
  return authorization ? bearerToken(authorization) : readCookie(request.headers.get('cookie'), sessionCookieName);
}

async function isRevoked(db: AppDatabase, userId: string): Promise<boolean> {
  return (await db.selectFrom('session_revocations').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;
}

/** The session a request presents, when it is valid; undefined when there is none or it is not. */
export async function presentedSession(request: Request, keys: SessionKeys): Promise<Session | undefined> {
  const token = presentedToken(request);
  if (!token) return undefined;
  const userId = await verifySessionToken(token, keys.authSecret);
  if (!userId || (await isRevoked(keys.db, userId))) return undefined;
  return { userId, token };
}

/**
 * The user behind a request, from `Authorization: Bearer` or the session cookie. A present but
 * invalid bearer token is rejected rather than silently falling back to the cookie.
 */
export async function authenticate(request: Request, keys: SessionKeys): Promise<string> {
  if (!presentedToken(request)) throw new AppError('unauthorized:session', 'Missing session: POST /api/session first');
  const session = await presentedSession(request, keys);
  if (!session) throw new AppError('unauthorized:session', 'Invalid, expired or signed-out session token');
  return session.userId;
}

export async function createSession(secret: Uint8Array): Promise<Session> {
  const userId = newUserId();
  return { userId, token: await signSessionToken(userId, secret) };
}

/** Signs the user out everywhere: every token issued to them stops working, on every instance. */
export async function revokeSessions(db: AppDatabase, userId: string): Promise<void> {
  await db
    .insertInto('session_revocations')
    .values({ user_id: userId, revoked_at: new Date().toISOString() })
    .onConflict((conflict) => conflict.column('user_id').doNothing())
    .execute();
}

export function sessionCookie(token: string, secure: boolean): string {
  const attributes = [`${sessionCookieName}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${sessionLifetime}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${sessionCookieName}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0', ...(secure ? ['Secure'] : [])].join('; ');
}
