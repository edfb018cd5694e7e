import { authenticate, createSession, sessionCookie } from '@/lib/auth/session';
import { errorToResponse } from '@/lib/errors';
import { getAppContext } from '@/lib/app-context';

export const dynamic = 'force-dynamic';

/** Creates an anonymous user: the server picks the id, the client only ever holds the token. */
export async function POST(request: Request): Promise<Response> {
  try {
    const { authSecret } = await getAppContext();
    const session = await createSession(authSecret);
    const secure = new URL(request.url).protocol === 'https:';
    return Response.json(session, { headers: { 'set-cookie': sessionCookie(session.token, secure) } });
  } catch (error) {
    return errorToResponse(error);
  }
}

/** Who the caller is, so the UI can tell whether it needs a new session. */
export async function GET(request: Request): Promise<Response> {
  try {
    const { authSecret, config } = await getAppContext();
    const userId = await authenticate(request, authSecret);
    return Response.json({ userId, model: config.model.kind === 'simulated' ? 'simulated' : 'live' });
  } catch (error) {
    return errorToResponse(error);
  }
}
