/**
 * `npm run bench`: what durability costs, measured against the alternatives in one run.
 * Starts the production server(s), drives every system with the same workload, and writes
 * bench/results/*.json, one SVG chart per measure and docs/performance.md.
 *
 * BENCH_CONCURRENCY (default "50,200,400") and BENCH_SAMPLES (default 20) size the run;
 * BENCH_COLD_BURST (default 60) is the cold burst's N. BENCH_ONLY=cold-burst runs just the cold
 * burst, prints its table and writes bench/results/cold-burst.json (the report is left alone).
 * BENCH_SOAK_TURNS=N runs the leak soak instead (bench/soak.ts) and writes bench/results/soak-*.json.
 * BENCH_QUICK=1 is the developer loop (bench/quick.ts): one concurrency level, a few samples.
 */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSession } from '../test/support/chat-client';
import { createTestDatabase, dropTestDatabase, postgresAvailable } from '../test/support/postgres';
import { redisAnswers } from '../test/support/redis';
import { removeDataDir, startServer, type TestServer } from '../test/support/server';
import { benchServerStarter, type ColdBurstResult, coldBurst, coldBurstHeader, coldBurstRows } from './cold-burst';
import { worldFloor } from './floor';
import { admissionCost, concurrentTurns, resumeLatency, sustainedThroughput, timeToFirstToken, writesPerThousandTokens } from './measures';
import { quickBench } from './quick';
import { type BenchResults, writeReport } from './report';
import { soak } from './soak';
import { localWorldWrites, postgresWorldWrites, redisWrites, type WriteCounter } from './storage-writes';
import { type ChatSystem, directSystem, durableSystem, resumableStreamSystem } from './systems';

const root = path.resolve(import.meta.dirname, '..');
const quick = process.env.BENCH_QUICK === '1';
const concurrency = (process.env.BENCH_CONCURRENCY ?? (quick ? '200' : '50,200,400'))
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const samples = Number(process.env.BENCH_SAMPLES ?? (quick ? 5 : 20));
const coldBurstTurns = Number(process.env.BENCH_COLD_BURST ?? 60);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const serverEnv = { BENCH_BASELINES: '1', DEBUG_VALIDATE_STREAMS: '0', SIM_TOKENS_PER_SEC: '40', REDIS_URL: redisUrl };

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);

const servers: TestServer[] = [];

// An interrupted run must not leave its servers behind: their runs outlive the client and
// would load the machine for the next measurement.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const server of servers) server.process.kill('SIGKILL');
    process.exit(130);
  });
}

/** The cold burst on the local world, then on the Postgres world when PostgreSQL answers. */
async function coldBursts(): Promise<ColdBurstResult[]> {
  const results: ColdBurstResult[] = [];
  const worlds: Array<{ world: 'local' | 'postgres'; databaseUrl: string }> = [{ world: 'local', databaseUrl: '' }];
  if (await postgresAvailable()) worlds.push({ world: 'postgres', databaseUrl: await createTestDatabase() });
  for (const { world, databaseUrl } of worlds) {
    log(`ours (${world} world): cold burst of ${coldBurstTurns} turns`);
    const { result, dataDir } = await coldBurst(benchServerStarter(serverEnv, databaseUrl), world, coldBurstTurns, log);
    await removeDataDir(dataDir);
    if (databaseUrl) await dropTestDatabase(databaseUrl);
    results.push(result);
  }
  return results;
}

async function main() {
  const startedAt = new Date().toISOString();
  let databaseUrl: string | undefined;
  try {
    const local = await startServer({ env: serverEnv, databaseUrl: '' });
    servers.push(local);
    const systems: Array<{ system: ChatSystem; server: TestServer; writes: WriteCounter | null }> = [{ system: directSystem(local.url), server: local, writes: null }];
    if (await redisAnswers(redisUrl)) systems.push({ system: resumableStreamSystem(local.url), server: local, writes: redisWrites(redisUrl) });
    else log('Redis not reachable: skipping the resumable-stream baseline');
    systems.push({ system: durableSystem('ours-local', local.url), server: local, writes: localWorldWrites(local.dataDir) });
    if (await postgresAvailable()) {
      databaseUrl = await createTestDatabase();
      const postgres = await startServer({ env: serverEnv, databaseUrl });
      servers.push(postgres);
      systems.push({ system: durableSystem('ours-postgres', postgres.url), server: postgres, writes: postgresWorldWrites(databaseUrl) });
    } else {
      log('PostgreSQL not reachable: skipping ours on the Postgres world');
    }

    const results: BenchResults = {
      startedAt,
      finishedAt: '',
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, node: process.version },
      settings: { concurrency, samples },
      systems: systems.map(({ system }) => ({ name: system.name, label: system.label })),
      ttftMs: {},
      tokensPerSecond: {},
      resumeMs: {},
      writesPer1kTokens: {},
      concurrency: {},
      admissionTtftMs: null,
    };

    for (const { system, server, writes } of systems) {
      const session = await createSession(server.url);
      log(`${system.label}: warm-up`);
      await timeToFirstToken(system, session, 3);
      log(`${system.label}: time to first token`);
      results.ttftMs[system.name] = await timeToFirstToken(system, session, samples);
      log(`${system.label}: sustained throughput`);
      results.tokensPerSecond[system.name] = await sustainedThroughput(system, session, 5, 3000);
      log(`${system.label}: resume latency`);
      results.resumeMs[system.name] = await resumeLatency(system, session, samples);
      results.writesPer1kTokens[system.name] = writes ? await writesPerThousandTokens(system, session, writes) : { writes: 0, bytes: 0 };
    }
    // The production defaults for turns at once (4) and a window no sample reaches: what the
    // per-user lease and active-run count add to a turn's start.
    log('ours (local world): admission cost of the rate limits');
    const limited = await startServer({ env: { ...serverEnv, RATE_LIMIT_RUNS: '1000000', RATE_LIMIT_ACTIVE_RUNS: '4' }, databaseUrl: '' });
    servers.push(limited);
    results.admissionTtftMs = await admissionCost(
      { system: durableSystem('ours-local', local.url), session: await createSession(local.url) },
      { system: durableSystem('ours-local', limited.url), session: await createSession(limited.url) },
      samples,
    );
    await limited.stop();
    servers.splice(servers.indexOf(limited), 1);
    await removeDataDir(limited.dataDir);

    results.floor = [];
    for (const { system, server } of systems) {
      if (system.name !== 'ours-local' && system.name !== 'ours-postgres') continue;
      log(`${system.label}: the Workflow DevKit's floor (bare runs)`);
      const world = system.name === 'ours-local' ? 'local' : 'postgres';
      // Five samples per shape: a 200-chunk run takes seconds, and the spread between runs is small.
      results.floor.push(await worldFloor(world, { url: server.url, pid: server.process.pid ?? 0 }, await createSession(server.url), 5, 50));
    }
    // System by system, ours on the local world last: a level it cannot finish leaves runs
    // working in the background (they are durable), which would load every later measurement.
    const loadOrder = [...systems].sort((a, b) => Number(a.system.name === 'ours-local') - Number(b.system.name === 'ours-local'));
    for (const { system, server } of loadOrder) {
      for (const turns of concurrency) {
        log(`${system.label}: ${turns} concurrent turns`);
        const session = await createSession(server.url);
        const result = await concurrentTurns(system, session, turns, server.process.pid ?? 0);
        const runs = results.concurrency[system.name] ?? [];
        runs.push(result);
        results.concurrency[system.name] = runs;
        log(
          `  completed ${result.completed}/${turns}, first token p99 ${result.firstTokenMs.p99} ms, gap p99 ${result.gapMs.p99} ms, ${result.wallSeconds} s, CPU ${result.cpuPercentOfOneCore}%, RSS ${result.peakRssMb} MB`,
        );
        if (result.lost > 0) break;
      }
    }
    for (const server of servers.splice(0)) {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
    results.coldBurst = await coldBursts();
    results.finishedAt = new Date().toISOString();
    await writeReport(results, root);
    log('wrote bench/results/latest.json, bench/results/*.svg and docs/performance.md');
  } finally {
    for (const server of servers) {
      await server.stop();
      await removeDataDir(server.dataDir);
    }
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  }
}

async function soakMain(turns: number) {
  // Fast model, pruning every few seconds, GC callable from the measure endpoint.
  const server = await startServer({
    databaseUrl: '',
    env: { DEBUG_MEASURES: '1', DEBUG_VALIDATE_STREAMS: '0', SIM_TOKENS_PER_SEC: '0', RUN_RETENTION_HOURS: '0.01', NODE_OPTIONS: '--expose-gc' },
  });
  servers.push(server);
  try {
    const result = await soak(server, turns, Number(process.env.BENCH_SOAK_CONCURRENCY ?? 4), log);
    const file = path.join(root, 'bench/results', `soak-${new Date().toISOString().replaceAll(':', '-')}.json`);
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    log(`baseline after ${result.baseline.turns} turns: ${JSON.stringify(result.baseline)}`);
    log(`after the load and a GC: ${JSON.stringify(result.final)}`);
    log(`wrote ${path.relative(root, file)}`);
  } finally {
    await server.stop();
    await removeDataDir(server.dataDir);
  }
}

// `--report-only` rewrites the charts and docs/performance.md from bench/results/latest.json.
if (process.env.BENCH_ONLY === 'cold-burst') {
  const results = await coldBursts();
  await writeFile(path.join(root, 'bench/results/cold-burst.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\n| ${coldBurstHeader.join(' | ')} |\n${coldBurstRows(results)
      .map((row) => `| ${row.join(' | ')} |`)
      .join('\n')}`,
  );
} else if (quick) {
  await quickBench(root, serverEnv, concurrency[0] ?? 200, samples, servers, log);
} else if (process.argv.includes('--report-only')) {
  await writeReport(JSON.parse(await readFile(path.join(root, 'bench/results/latest.json'), 'utf8')) as BenchResults, root);
} else if (process.env.BENCH_SOAK_TURNS) {
  await soakMain(Number(process.env.BENCH_SOAK_TURNS));
} else {
  await main();
}
