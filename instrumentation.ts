/**
 * Starts the workflow world when the server boots. Without this, runs that were active when the
 * process died are never re-enqueued: they stay "running" forever and their readers hang.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getWorld } = await import('workflow/runtime');
  await getWorld().start?.();
}
