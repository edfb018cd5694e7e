import type { AppContext } from '../app-context';
import { getAppContext } from '../app-context';
import { authenticate } from '../auth/session';
import { errorToResponse } from '../errors';
import { assertSameOrigin } from './same-origin';

export interface RouteScope<Params> {
  app: AppContext;
  userId: string;
  params: Params;
}

/**
 * Wraps a route handler: refuses cross-site writes, builds the app context, authenticates the
 * caller, and maps every thrown error to a JSON response in one place.
 */
export function authenticatedRoute<Params = Record<string, never>>(handler: (request: Request, scope: RouteScope<Params>) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<Params> }): Promise<Response> => {
    try {
      assertSameOrigin(request);
      const app = await getAppContext();
      const userId = await authenticate(request, app);
      return await handler(request, { app, userId, params: await context.params });
    } catch (error) {
      return errorToResponse(error);
    }
  };
}
