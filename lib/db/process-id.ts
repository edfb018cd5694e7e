import { randomUUID } from 'node:crypto';

const key = Symbol.for('durable-chat.process-id');
type Holder = { [key]?: string };

/**
 * This process's id in lease holders. On the embedded default one server process runs every
 * step, so a lease held under another process id belongs to a process that died and can be
 * broken at once instead of waiting for it to expire. Kept on globalThis: Next.js loads the
 * step bundle and the instrumentation bundle separately, and both must agree.
 */
export function processId(): string {
  const holder = globalThis as Holder;
  holder[key] ??= randomUUID();
  return holder[key];
}
