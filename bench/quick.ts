/**
 * `BENCH_QUICK=1 npm run bench`: the developer loop. Direct and ours on both worlds, time to first
 * token at idle and one concurrency level (BENCH_CONCURRENCY, default 200), a few samples
 * (BENCH_SAMPLES, default 5). Prints the ratios to direct and writes bench/results/quick-*.json;
 * docs/performance.md is left to the full run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSession } from '../test/support/chat-client';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../test/support/postgres';
import { removeDataDir, startServer, type TestServer } from '../test/support/server';
import { type ConcurrencyResult, concurrentTurns, timeToFirstToken } from './measures';
import { table } from './report';
import { round, type Summary } from './stats';
import { type ChatSystem, directSystem, durableSystem } from './systems';

interface QuickRow {
  system: ChatSystem['name'];
  label: string;
  ttftMs: Summary;
  load: ConcurrencyResult;
}

/** CPU seconds the server spent per turn at this level. */
export const cpuSecondsPerTurn = (load: ConcurrencyResult) => round(((load.cpuPercentOfOneCore / 100) * load.wallSeconds) / load.turns, 3);

const ratio = (value: number | undefined, base: number | undefined) => (value === undefined || !base ? '–' : `${round(value / base)}×`);

function print(rows: QuickRow[], turns: number): void {
  const direct = rows.find((row) => row.system === 'direct');
  console.log(
    `\n${table(
      ['System', 'TTFT idle median / p99 ms', 'ratio', `${turns} at once: completed`, 'first token p99 ms', 'ratio', 'gap p99 ms', 'ratio', 'CPU s per turn', 'ratio', 'peak RSS MB'],
      rows.map(({ label, ttftMs, load }) => [
        label,
        `${ttftMs.median} / ${ttftMs.p99}`,
        ratio(ttftMs.median, direct?.ttftMs.median),
        `${load.completed}/${load.turns}`,
        String(load.firstTokenMs.p99),
        ratio(load.firstTokenMs.p99, direct?.load.firstTokenMs.p99),
        String(load.gapMs.p99),
        ratio(load.gapMs.p99, direct?.load.gapMs.p99),
        String(cpuSecondsPerTurn(load)),
        ratio(cpuSecondsPerTurn(load), direct && cpuSecondsPerTurn(direct.load)),
        String(load.peakRssMb),
      ]),
    )}`,
  );
}

export async function quickBench(root: string, serverEnv: Record<string, string>, turns: number, samples: number, servers: TestServer[], log: (message: string) => void): Promise<void> {
  let databaseUrl: string | undefined;
  const rows: QuickRow[] = [];
  try {
    const local = await startServer({ env: serverEnv, databaseUrl: '' });
    servers.push(local);
    const systems: Array<{ system: ChatSystem; server: TestServer }> = [
      { system: directSystem(local.url), server: local },
      { system: durableSystem('ours-local', local.url), server: local },
    ];
    if (await postgresAvailable()) {
      databaseUrl = await createTestDatabase();
      const postgres = await startServer({ env: serverEnv, databaseUrl });
      servers.push(postgres);
      systems.push({ system: durableSystem('ours-postgres', postgres.url), server: postgres });
    }
    for (const { system, server } of systems) {
      const session = await createSession(server.url);
      log(`${system.label}: warm-up, then time to first token`);
      await timeToFirstToken(system, session, 3);
      const ttftMs = await timeToFirstToken(system, session, samples);
      log(`${system.label}: ${turns} concurrent turns`);
      const load = await concurrentTurns(system, await createSession(server.url), turns, server.process.pid ?? 0);
      rows.push({ system: system.name, label: system.label, ttftMs, load });
    }
  } finally {
    for (const server of servers.splice(0)) {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
  const file = path.join(root, 'bench/results', `quick-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ turns, samples, rows }, null, 2)}\n`);
  print(rows, turns);
  log(`wrote ${path.relative(root, file)}`);
}
