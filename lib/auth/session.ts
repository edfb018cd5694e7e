import { AppError } from '../errors';
import { newUserId, sessionLifetime, signSessionToken, verifySessionToken } from './session-token';

export const sessionCookieName = 'durable_chat_session';

export interface Session {
  userId: string;
  token: string;
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

/**
 * The user behind a request, from `Authorization: Bearer` or the session cookie. A present but
 * invalid bearer token is rejected rather than silently falling back to the cookie.
 */
export async function authenticate(request: Request, secret: Uint8Array): Promise<string> {
  const authorization = request.headers.get('authorization');
  const token = authorization ? bearerToken(authorization) : readCookie(request.headers.get('cookie'), sessionCookieName);
  if (!token) throw new AppError('unauthorized:session', 'Missing session: POST /api/session first');
  const userId = await verifySessionToken(token, secret);
  if (!userId) throw new AppError('unauthorized:session', 'Invalid or expired session token');
  return userId;
}

export async function createSession(secret: Uint8Array): Promise<Session> {
  const userId = newUserId();
  return { userId, token: await signSessionToken(userId, secret) };
}

export function sessionCookie(token: string, secure: boolean): string {
  const attributes = [`${sessionCookieName}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${sessionLifetime}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}
