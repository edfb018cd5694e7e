import type { z } from 'zod';
import { describeIssues } from '../api/describe-issues';
import { AppError } from '../errors';

/** Validates a request's query parameters (the last value of a repeated one counts). */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.infer<S> {
  const parsed = schema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new AppError('bad_request:query', describeIssues(parsed.error));
  return parsed.data;
}
