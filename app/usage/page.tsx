import { UsageScreen } from '@/components/usage-screen';

export const dynamic = 'force-dynamic';

export default function UsagePage() {
  return <UsageScreen />;
}
