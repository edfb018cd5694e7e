import type { z } from 'zod';
import { describeIssues } from '../api/describe-issues';
import { AppError } from '../errors';

async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new AppError('payload_too_large:body', `Request body exceeds ${maxBytes} bytes`);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((cause: unknown) => {
      // The client went away or broke the framing mid-body: its request, not the server, failed.
      throw new AppError('bad_request:body', 'Request body was cut off', { cause });
    });
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new AppError('payload_too_large:body', `Request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new AppError('bad_request:json', 'Request body is not valid UTF-8');
  }
}

/**
 * Reads a JSON body of at most `maxBytes` and validates it. The size is enforced while streaming,
 * so a lying or missing Content-Length cannot make the server buffer an unbounded body.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes: number): Promise<z.infer<S>> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new AppError('unsupported_media_type:body', 'Content-Type must be application/json');
  }
  const text = await readLimitedText(request, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('bad_request:json', 'Request body is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AppError('bad_request:body', describeIssues(parsed.error));
  return parsed.data;
}
