import { UI_MESSAGE_STREAM_HEADERS } from 'ai';
import { requireBaselines } from '@/lib/baselines/enabled';
import { resumeResumableStream } from '@/lib/baselines/resumable-stream';
import { authenticatedRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

/** Re-attaches to a resumable-stream baseline reply; 204 once it has finished (it cannot replay). */
export const GET = authenticatedRoute<{ streamId: string }>(async (_request, { app, params }) => {
  requireBaselines(app.config);
  const stream = await resumeResumableStream(app.config.redisUrl, params.streamId);
  if (!stream) return new Response(null, { status: 204 });
  return new Response(stream.pipeThrough(new TextEncoderStream()), { headers: UI_MESSAGE_STREAM_HEADERS });
});
