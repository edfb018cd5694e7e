import { getAppContext } from '@/lib/app-context';
import { checkHealth } from '@/lib/health';

export const dynamic = 'force-dynamic';

/** 200 with the world, database and queue when this instance can serve; 503 when it cannot. */
export async function GET(): Promise<Response> {
  const context = await getAppContext().catch(() => undefined);
  if (!context) return Response.json({ status: 'down', error: { code: 'unavailable:context', message: 'The app could not start its storage' } }, { status: 503 });
  const report = await checkHealth(context);
  return Response.json(report, { status: report.status === 'ok' ? 200 : 503 });
}
