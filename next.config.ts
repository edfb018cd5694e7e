import type { NextConfig } from 'next';
import { withWorkflow } from 'workflow/next';
import { applyWorkflowEnv } from './lib/runtime-env';

applyWorkflowEnv();

// Next.js hydrates with inline scripts and the markdown renderer sets inline styles, so both
// allow 'unsafe-inline'; everything else is this origin only, and no other site may frame us.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = [
  { key: 'Content-Security-Policy', value: contentSecurityPolicy },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ['@libsql/client', 'libsql', '@mastra/libsql', '@mastra/pg', 'pg', '@workflow/world-postgres'],
  async headers() {
    return [{ source: '/:path*', headers: securityHeaders }];
  },
};

export default withWorkflow(nextConfig);
