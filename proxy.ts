import { NextResponse, type NextRequest } from 'next/server';
import { AppError } from '@/lib/errors';

/**
 * A path segment that is not valid percent-encoding (`/api/threads/%ff`) makes Next.js's router
 * fail with a bare 500 before any route handler runs; it is the client's mistake, so it gets the
 * API's 400 instead.
 */
export function proxy(request: NextRequest): Response {
  try {
    decodeURIComponent(request.nextUrl.pathname);
  } catch {
    return new AppError('bad_request:path', 'The URL path is not valid percent-encoded UTF-8').toResponse();
  }
  return NextResponse.next();
}

// Only the routes with a dynamic segment, which take no body: Next.js buffers the body of every
// request a proxy sees, which would defeat the streaming size limit of POST /api/chat.
export const config = { matcher: ['/api/chat/:path+', '/api/threads/:path+', '/api/billing/runs/:path+', '/api/bench/resumable/:path+'] };
