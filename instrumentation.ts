/**
 * Runs once when the server boots. Keeps diagnostic reports off the network first (the workflow
 * runtime reads one on its first replay and step), registers the tracer provider (when an OTLP
 * endpoint is configured), so everything after it is traced, then starts the workflow world.
 * Without the world's start, runs that were active when the process died are never re-enqueued:
 * they stay "running" forever and their readers hang.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ excludeNetworkFromReports }, { getConfig }, { startTracing }] = await Promise.all([import('./lib/diagnostic-reports'), import('./lib/config'), import('./lib/observability/tracing')]);
  excludeNetworkFromReports();
  startTracing(getConfig().observability);
  const { getWorld } = await import('workflow/runtime');
  await getWorld().start?.();
  // Runs the boot's re-enqueue missed or that stall later (another instance died) are resumed.
  const [{ startWatchdog }, { getAppContext }] = await Promise.all([import('./lib/recovery/watchdog'), import('./lib/app-context')]);
  startWatchdog(getAppContext);
  (await import('./lib/retention/start')).startRetention();
}
