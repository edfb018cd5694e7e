import { JsonToSseTransformStream, type UIMessageChunk } from 'ai';
import { createClient } from 'redis';
import { createResumableStreamContext, type ResumableStreamContext } from 'resumable-stream';

// One context per process (two Redis connections); Next.js bundles routes separately, so the
// cache lives on globalThis like the app context does.
const cacheKey = Symbol.for('durable-chat.resumable-stream');
type Cache = { [cacheKey]?: Promise<ResumableStreamContext> };

async function createContext(redisUrl: string): Promise<ResumableStreamContext> {
  const publisher = createClient({ url: redisUrl });
  const subscriber = createClient({ url: redisUrl });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  return createResumableStreamContext({ waitUntil: null, publisher, subscriber });
}

function resumableContext(redisUrl: string): Promise<ResumableStreamContext> {
  const cache = globalThis as Cache;
  cache[cacheKey] ??= createContext(redisUrl).catch((error: unknown) => {
    delete cache[cacheKey];
    throw error;
  });
  return cache[cacheKey];
}

/**
 * The AI SDK's resumable-stream recipe: the SSE text of a request-bound reply is mirrored into
 * Redis, so a client can re-attach while the request that produced it is still running. The
 * generation itself stays tied to that request.
 */
export async function startResumableStream(redisUrl: string, streamId: string, chunks: ReadableStream<UIMessageChunk>): Promise<ReadableStream<string> | null> {
  const context = await resumableContext(redisUrl);
  return context.createNewResumableStream(streamId, () => chunks.pipeThrough(new JsonToSseTransformStream()));
}

/** The rest of a stream still being produced; null when it is unknown or already finished. */
export async function resumeResumableStream(redisUrl: string, streamId: string): Promise<ReadableStream<string> | null> {
  const context = await resumableContext(redisUrl);
  return (await context.resumeExistingStream(streamId)) ?? null;
}
