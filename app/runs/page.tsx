import { RunsScreen } from '@/components/runs-screen';

export const dynamic = 'force-dynamic';

export default function RunsPage() {
  return <RunsScreen />;
}
