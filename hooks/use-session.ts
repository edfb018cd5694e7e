'use client';

import { useEffect, useState } from 'react';
import { type SessionBody, sessionSchema } from '@/lib/api/contracts';
import { readBody } from '@/lib/client/read-body';

export type SessionState = { status: 'loading' } | { status: 'ready'; userId: string; simulated: boolean } | { status: 'error'; message: string };

async function currentSession(): Promise<SessionBody> {
  const existing = await fetch('/api/session');
  if (existing.ok) return readBody(existing, sessionSchema);
  const created = await fetch('/api/session', { method: 'POST' });
  if (!created.ok) throw new Error(`Could not start a session (${created.status})`);
  const again = await fetch('/api/session');
  if (!again.ok) throw new Error(`Could not read the session (${again.status})`);
  return readBody(again, sessionSchema);
}

/** The anonymous session held in an HttpOnly cookie, created on first visit. */
export function useSession(): SessionState {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  useEffect(() => {
    let cancelled = false;
    currentSession()
      .then((session) => !cancelled && setState({ status: 'ready', userId: session.userId, simulated: session.model === 'simulated' }))
      .catch((error: Error) => !cancelled && setState({ status: 'error', message: error.message }));
    return () => {
      cancelled = true;
    };
  }, []);
  return state;
}
