import path from 'node:path';

/**
 * Derives the Workflow DevKit's own variables from the app's, before any world is created.
 * The local world defaults its data to `.next/workflow-data`, which `next build` wipes, and its
 * queue calls back to `localhost`, which may resolve to IPv6 while the server listens on IPv4.
 */
export function applyWorkflowEnv(env: NodeJS.ProcessEnv = process.env): void {
  const dataDir = path.resolve(env.DATA_DIR || '.data');
  env.WORKFLOW_LOCAL_DATA_DIR ||= path.join(dataDir, 'workflow');
  if (env.PORT) env.WORKFLOW_LOCAL_BASE_URL ||= `http://127.0.0.1:${env.PORT}`;
}
