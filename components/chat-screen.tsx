'use client';

import { Chat } from './chat';
import { ThreadScreen } from './thread-screen';

/** The durable chat for a thread, with its stored history and any run still answering. */
export function ChatScreen({ threadId }: { threadId: string }) {
  return (
    <ThreadScreen threadId={threadId}>
      {(view, session) => <Chat threadId={threadId} initialMessages={view.messages} initialVersions={view.versions} activeRunId={view.activeRunId} simulated={session.simulated} />}
    </ThreadScreen>
  );
}
