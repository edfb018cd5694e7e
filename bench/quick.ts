/**
 * `BENCH_QUICK=1 npm run bench`: the developer loop. Direct and ours on both worlds, time to first
 * token at idle, resume latency, and one concurrency level (BENCH_CONCURRENCY, default 200), a few samples
 * (BENCH_SAMPLES, default 5), then the Workflow DevKit's floor on each world (BENCH_FLOOR=0 skips
 * it). Prints the ratios to direct and writes bench/results/quick-*.json;
 * docs/performance.md is left to the full run.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSession } from '../test/support/chat-client';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../test/support/postgres';
import { removeDataDir, startServer, type TestServer } from '../test/support/server';
import { type FloorResult, floorHeader, floorRows, worldFloor } from './floor';
import { type ConcurrencyResult, concurrentTurns, cpuSecondsPerTurn, resumeLatency, timeToFirstToken } from './measures';
import { table } from './report';
import { ratio, type Summary } from './stats';
import { type ChatSystem, directSystem, durableSystem } from './systems';

interface QuickRow {
  system: ChatSystem['name'];
  label: string;
  ttftMs: Summary;
  resumeMs: { inProgress: Summary | null; finished: Summary | null };
  load: ConcurrencyResult;
}

function print(rows: QuickRow[], turns: number): void {
  const direct = rows.find((row) => row.system === 'direct');
  console.log(
    `\n${table(
      [
        'System',
        'TTFT idle median / p99 ms',
        'ratio',
        'resume p99 ms (live / finished)',
        `${turns} at once: completed`,
        'first token p99 ms',
        'ratio',
        'gap p99 ms',
        'ratio',
        'CPU s per turn',
        'ratio',
        'peak RSS MB',
      ],
      rows.map(({ label, ttftMs, resumeMs, load }) => [
        label,
        `${ttftMs.median} / ${ttftMs.p99}`,
        ratio(ttftMs.median, direct?.ttftMs.median),
        `${resumeMs.inProgress?.p99 ?? '–'} / ${resumeMs.finished?.p99 ?? '–'}`,
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
  const floors: FloorResult[] = [];
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
      const resumeMs = await resumeLatency(system, session, samples);
      log(`${system.label}: ${turns} concurrent turns`);
      const load = await concurrentTurns(system, await createSession(server.url), turns, server.process.pid ?? 0);
      rows.push({ system: system.name, label: system.label, ttftMs, resumeMs, load });
      if (system.name !== 'direct' && process.env.BENCH_FLOOR !== '0') {
        log(`${system.label}: the Workflow DevKit's floor (bare runs)`);
        floors.push(await worldFloor(system.name === 'ours-local' ? 'local' : 'postgres', { url: server.url, pid: server.process.pid ?? 0 }, session, samples, 50));
      }
    }
  } finally {
    for (const server of servers.splice(0)) {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
  const file = path.join(root, 'bench/results', `quick-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify({ turns, samples, rows, floors }, null, 2)}\n`);
  print(rows, turns);
  console.log(`\n${table(floorHeader, floorRows(floors))}`);
  log(`wrote ${path.relative(root, file)}`);
}
