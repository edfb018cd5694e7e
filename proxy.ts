import { type NextRequest, NextResponse } from 'next/server';
import { AppError } from '@/lib/errors';

const webhookPrefix = '/.well-known/workflow/v1/webhook';

/**
 * A path segment that is not valid percent-encoding (`/api/threads/%ff`) makes Next.js's router
 * fail with a bare 500 before any route handler runs; it is the client's mistake, so it gets the
 * API's 400 instead. The Workflow DevKit's webhook endpoint resumes hooks by token from anyone
 * on the network; this app resumes its runs only from its own authenticated routes, so the
 * endpoint is closed.
 */
export function proxy(request: NextRequest): Response {
  if (request.nextUrl.pathname.startsWith(webhookPrefix)) return new AppError('not_found:route', 'Not found').toResponse();
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return new AppError('bad_request:path', 'The URL path is not valid percent-encoded UTF-8').toResponse();
  }
  return NextResponse.next();
}

// Only the routes with a dynamic segment, which take no body, and the webhook endpoint, which
// is refused: Next.js buffers the body of every request a proxy sees, which would defeat the
// streaming size limit of POST /api/chat.
export const config = {
  matcher: ['/api/chat/:path+', '/api/threads/:path+', '/api/billing/runs/:path+', '/api/bench/resumable/:path+', '/.well-known/workflow/v1/webhook/:path*'],
};
