import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

const issuer = 'durable-chat';
const sessionLifetimeSeconds = 60 * 60 * 24 * 30;

export const userIdPattern = /^usr_[A-Za-z0-9_-]{22}$/;

export function newUserId(): string {
  return `usr_${randomBytes(16).toString('base64url')}`;
}

export async function signSessionToken(userId: string, secret: Uint8Array, now = new Date()): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer(issuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + sessionLifetimeSeconds)
    .sign(secret);
}

/** The user id a token was issued to, or null when it is forged, expired or malformed. */
export async function verifySessionToken(token: string, secret: Uint8Array): Promise<string | null> {
  try {
    // A token without an expiry would be valid forever, whoever signed it and when.
    const { payload } = await jwtVerify(token, secret, { issuer, algorithms: ['HS256'], requiredClaims: ['exp', 'iat', 'sub'] });
    return typeof payload.sub === 'string' && userIdPattern.test(payload.sub) ? payload.sub : null;
  } catch {
    return null;
  }
}

export const sessionLifetime = sessionLifetimeSeconds;
