import { notFound } from 'next/navigation';
import { RequestBoundScreen } from '@/components/request-bound-chat';
import { getConfig } from '@/lib/config';

export const dynamic = 'force-dynamic';

/** The request-bound baseline's page (examples/request-bound); exists only with BENCH_BASELINES=1. */
export default async function BaselinePage({ params }: { params: Promise<{ threadId: string }> }) {
  if (!getConfig().benchBaselines) notFound();
  const { threadId } = await params;
  return <RequestBoundScreen threadId={threadId} />;
}
