/**
 * `npm run bench:profile`: where a server's CPU goes under N concurrent turns of one system.
 * Starts a production server under `--cpu-prof`, drives BENCH_PROFILE_TURNS (default 200) turns at
 * 40 tokens/s through BENCH_PROFILE_SYSTEM (`direct`, `ours-local` or `ours-postgres`), stops it so
 * Node writes the profile, and prints the top self-time frames and packages. The profile and a JSON
 * summary land in bench/results/profiles/.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSession } from '../test/support/chat-client';
import { createTestDatabase, dropTestDatabase } from '../test/support/postgres';
import { removeDataDir, startServer } from '../test/support/server';
import { concurrentTurns } from './measures';
import { type CpuProfile, profileFrom, topFrames, topPackages } from './profile-frames';
import { type ChatSystem, directSystem, durableSystem } from './systems';

const root = path.resolve(import.meta.dirname, '..');
const systemName = process.env.BENCH_PROFILE_SYSTEM ?? 'ours-local';
const turns = Number(process.env.BENCH_PROFILE_TURNS ?? 200);
const outDir = path.join(root, 'bench/results/profiles');

function systemFor(url: string): ChatSystem {
  if (systemName === 'direct') return directSystem(url);
  if (systemName === 'ours-local' || systemName === 'ours-postgres') return durableSystem(systemName, url);
  throw new Error(`BENCH_PROFILE_SYSTEM must be direct, ours-local or ours-postgres, not ${systemName}`);
}

async function main() {
  const profileDir = path.join(outDir, `${systemName}-${turns}-raw`);
  await rm(profileDir, { recursive: true, force: true });
  await mkdir(profileDir, { recursive: true });
  const databaseUrl = systemName === 'ours-postgres' ? await createTestDatabase() : '';
  const spawnedAt = Date.now();
  let loadedAt = spawnedAt;
  const server = await startServer({
    databaseUrl,
    env: {
      BENCH_BASELINES: '1',
      DEBUG_VALIDATE_STREAMS: '0',
      SIM_TOKENS_PER_SEC: '40',
      NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir} ${process.env.BENCH_PROFILE_NODE_OPTIONS ?? ''}`.trim(),
    },
  });
  try {
    const system = systemFor(server.url);
    const session = await createSession(server.url);
    // Warm both bundles (flow and step); only the samples after the warm-up are counted.
    await concurrentTurns(system, session, 4, server.process.pid ?? 0);
    loadedAt = Date.now();
    const result = await concurrentTurns(system, session, turns, server.process.pid ?? 0);
    console.log(
      `${system.label}: ${result.completed}/${turns} completed, first token median ${result.firstTokenMs.median} / p99 ${result.firstTokenMs.p99} ms, gap p99 ${result.gapMs.p99} ms, CPU ${result.cpuPercentOfOneCore}%`,
    );
  } finally {
    await server.stop();
    await removeDataDir(server.dataDir);
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
  const files = (await readdir(profileDir)).filter((file) => file.endsWith('.cpuprofile'));
  const profiles = await Promise.all(files.map(async (file) => JSON.parse(await readFile(path.join(profileDir, file), 'utf8')) as CpuProfile));
  // The server is the process with the most samples; `next start` may leave a short-lived parent.
  const busiest = profiles.reduce((best, profile) => (profile.samples.length > best.samples.length ? profile : best));
  const underLoad = profileFrom(busiest, (loadedAt - spawnedAt) * 1000);
  const frames = topFrames(underLoad, 25);
  const packages = topPackages(underLoad, 15);
  const summary = { system: systemName, turns, fromSecondsAfterStart: (loadedAt - spawnedAt) / 1000, frames, packages };
  await writeFile(path.join(outDir, `${systemName}-${turns}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  console.log('\nself time by frame');
  for (const frame of frames) console.log(`${frame.percent.toFixed(1).padStart(5)}%  ${frame.name}  ${frame.where}`);
  console.log('\nself time by package');
  for (const entry of packages) console.log(`${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}`);
}

await main();
