/**
 * Runs once when the server boots. Registers the tracer provider first (when an OTLP endpoint is
 * configured), so everything after it is traced, then starts the workflow world. Without the
 * world's start, runs that were active when the process died are never re-enqueued: they stay
 * "running" forever and their readers hang.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ getConfig }, { startTracing }] = await Promise.all([import('./lib/config'), import('./lib/observability/tracing')]);
  startTracing(getConfig().observability);
  const { getWorld } = await import('workflow/runtime');
  await getWorld().start?.();
  (await import('./lib/retention/start')).startRetention();
}
