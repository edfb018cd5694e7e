import { ChatScreen } from '@/components/chat-screen';

export const dynamic = 'force-dynamic';

export default async function ChatPage({ params }: { params: Promise<{ threadId: string }> }) {
  const { threadId } = await params;
  return <ChatScreen threadId={threadId} />;
}
