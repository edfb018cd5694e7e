import type { NextConfig } from 'next';
import { withWorkflow } from 'workflow/next';
import { applyWorkflowEnv } from './lib/runtime-env';

applyWorkflowEnv();

const nextConfig: NextConfig = {
  serverExternalPackages: ['@libsql/client', 'libsql', '@mastra/libsql', '@mastra/pg', 'pg', '@workflow/world-postgres'],
};

export default withWorkflow(nextConfig);
