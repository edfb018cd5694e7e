// `npm start`: builds the production app on first run (or after `git pull`, when the sources
// are newer than the build), then serves it on $PORT (default 3000).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const next = path.join(root, 'node_modules/.bin/next');
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? '1', PORT: process.env.PORT ?? '3000' };
const buildId = path.join(root, '.next/BUILD_ID');
const sourceDirs = ['app', 'components', 'hooks', 'lib', 'mastra', 'workflows'];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(buildId) || sourceDirs.some((dir) => newestSource(path.join(root, dir)) > statSync(buildId).mtimeMs);
if (stale) {
  console.log('Building the app (first start or sources changed)…');
  const build = spawnSync(next, ['build'], { cwd: root, env, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const server = spawnSync(next, ['start', '-p', env.PORT], { cwd: root, env, stdio: 'inherit' });
process.exit(server.status ?? 0);
