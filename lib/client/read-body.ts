import type { z } from 'zod';
import { describeIssues } from '../api/describe-issues';

/** A response the page cannot use: not JSON, or not the shape its contract (lib/api/contracts.ts) says. */
export class UnexpectedResponseError extends Error {
  constructor(response: Response, detail: string) {
    super(`Unexpected response${response.url ? ` from ${new URL(response.url).pathname}` : ''}: ${detail}`);
    this.name = 'UnexpectedResponseError';
  }
}

/** The response's JSON body, parsed with its contract; a body that does not match is an UnexpectedResponseError. */
export async function readBody<S extends z.ZodType>(response: Response, schema: S): Promise<z.output<S>> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new UnexpectedResponseError(response, 'the body could not be read as JSON');
  }
  const parsed = await schema.safeParseAsync(body);
  if (!parsed.success) throw new UnexpectedResponseError(response, describeIssues(parsed.error));
  return parsed.data;
}
