import type { SessionBody } from '@/lib/api/contracts';
import { getAppContext } from '@/lib/app-context';
import { clearedSessionCookie, revokeSessions, sessionCookie } from '@/lib/auth/session';
import { startSession } from '@/lib/auth/start-session';
import { errorToResponse } from '@/lib/errors';
import { authenticatedRoute } from '@/lib/http/route';
import { assertSameOrigin, clientAddress, isSecureRequest } from '@/lib/http/same-origin';

export const dynamic = 'force-dynamic';

/**
 * The caller's anonymous user: the server picks the id, the client only ever holds the token.
 * A caller that already has a valid session gets that one back.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    assertSameOrigin(request);
    const app = await getAppContext();
    const session = await startSession(app, request, clientAddress(request));
    return Response.json(session, { headers: { 'set-cookie': sessionCookie(session.token, isSecureRequest(request)) } });
  } catch (error) {
    return errorToResponse(error);
  }
}

/** Who the caller is, so the UI can tell whether it needs a new session. */
export const GET = authenticatedRoute(async (_request, { app, userId }) => Response.json({ userId, model: app.config.model.kind === 'simulated' ? 'simulated' : 'live' } satisfies SessionBody));

/** Signs out: every token of this anonymous user stops working, and the cookie is cleared. */
export const DELETE = authenticatedRoute(async (request, { app, userId }) => {
  await revokeSessions(app.db, userId);
  return new Response(null, { status: 204, headers: { 'set-cookie': clearedSessionCookie(isSecureRequest(request)) } });
});
