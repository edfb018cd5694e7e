import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { barChart, lineChart } from './charts';
import { type ColdBurstResult, coldBurstHeader, coldBurstMet, coldBurstRows } from './cold-burst';
import type { ConcurrencyResult } from './measures';
import { round, type Summary } from './stats';
import type { ChatSystem } from './systems';

export type SystemName = ChatSystem['name'];

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; os: string; node: string };
  settings: { concurrency: number[]; samples: number };
  systems: Array<{ name: SystemName; label: string }>;
  ttftMs: Partial<Record<SystemName, Summary>>;
  tokensPerSecond: Partial<Record<SystemName, Summary>>;
  resumeMs: Partial<Record<SystemName, { inProgress: Summary | null; finished: Summary | null }>>;
  writesPer1kTokens: Partial<Record<SystemName, { writes: number; bytes: number | null }>>;
  concurrency: Partial<Record<SystemName, ConcurrencyResult[]>>;
  /** Ours on the local world, time to first token with the rate limits off and on (alternating samples). */
  admissionTtftMs: { off: Summary; on: Summary } | null;
  /** N turns at once on a fresh, a warm and a crash-restarted server, per world (absent from runs before it existed). */
  coldBurst?: ColdBurstResult[];
}

const ratio = (value: number | undefined, base: number | undefined) => (value === undefined || base === undefined || !base || !Number.isFinite(value / base) ? '–' : `${round(value / base)}×`);
/** A measured number, or a dash where the sample was empty (no stream got that far). */
const num = (value: number) => (Number.isFinite(value) ? String(value) : '–');
const cell = (summary: Summary | null | undefined) => (summary ? `${summary.median} / ${summary.p99} (n=${summary.n})` : 'not supported');

function targets(results: BenchResults): string[][] {
  const direct = results.ttftMs.direct;
  const ours = results.ttftMs['ours-local'];
  const gapAt200 = results.concurrency['ours-local']?.find((row) => row.turns === 200);
  const resume = results.resumeMs['ours-local'];
  const rs = results.resumeMs['resumable-stream']?.inProgress;
  const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'missed');
  return [
    ['Time to first token within 1.15× of direct (median)', ratio(ours?.median, direct?.median), verdict(ours && direct ? ours.median <= direct.median * 1.15 : undefined)],
    [
      '≥ 2,000 tokens/s through one durable stream (median)',
      `${results.tokensPerSecond['ours-local']?.median ?? '–'}`,
      verdict(results.tokensPerSecond['ours-local'] ? results.tokensPerSecond['ours-local'].median >= 2000 : undefined),
    ],
    ['Resume to first chunk < 50 ms p99 (local world, in progress)', `${resume?.inProgress?.p99 ?? '–'} ms`, verdict(resume?.inProgress ? resume.inProgress.p99 < 50 : undefined)],
    [
      '200 concurrent turns: p99 chunk gap < 250 ms, nothing lost',
      gapAt200 ? `${gapAt200.gapMs.p99} ms, ${gapAt200.lost} lost` : '–',
      verdict(gapAt200 ? gapAt200.gapMs.p99 < 250 && gapAt200.lost === 0 : undefined),
    ],
    [
      '≤ 50 durable writes per 1,000 tokens',
      `${results.writesPer1kTokens['ours-local']?.writes ?? '–'}`,
      verdict(results.writesPer1kTokens['ours-local'] ? results.writesPer1kTokens['ours-local'].writes <= 50 : undefined),
    ],
    [
      'Cold burst (fresh and restarted) within 1.2× of warm, no event-loop stall over 200 ms',
      results.coldBurst?.length ? results.coldBurst.map((row) => `${row.world}: ${coldBurstMet(row) ? 'yes' : 'no'}`).join(', ') : '–',
      verdict(results.coldBurst?.length ? results.coldBurst.every(coldBurstMet) : undefined),
    ],
    [
      'Resume latency ahead of resumable-stream (p99, in progress)',
      `${resume?.inProgress?.p99 ?? '–'} vs ${rs?.p99 ?? '–'} ms`,
      verdict(resume?.inProgress && rs ? resume.inProgress.p99 < rs.p99 : undefined),
    ],
  ];
}

export function table(header: string[], rows: string[][]): string {
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

export function markdown(results: BenchResults): string {
  const names = results.systems.map((system) => system.name);
  const label = (name: SystemName) => results.systems.find((system) => system.name === name)?.label ?? name;
  const { machine } = results;
  const concurrencyRows = names.flatMap((name) =>
    (results.concurrency[name] ?? []).map((row) => [
      label(name),
      String(row.turns),
      `${row.completed}/${row.turns}`,
      `${num(row.firstTokenMs.median)} / ${num(row.firstTokenMs.p99)}`,
      `${num(row.gapMs.median)} / ${num(row.gapMs.p99)}`,
      ratio(row.gapMs.p99, results.concurrency.direct?.find((base) => base.turns === row.turns)?.gapMs.p99),
      String(row.wallSeconds),
      `${row.cpuPercentOfOneCore}%`,
      String(row.peakRssMb),
    ]),
  );
  return `# Performance

Generated by \`npm run bench\` on ${results.finishedAt.slice(0, 10)}; raw numbers in
\`bench/results/latest.json\`, charts next to it. Do not edit by hand: rerun the benchmark.

**Machine:** ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GiB, ${machine.os}, Node ${machine.node}.
Every system runs the same agent and the same simulated model (no network), on production
builds (\`next start\`), driven over HTTP from one client process on the same machine. Baselines
(a) and (b) and ours on the local world (c) share one server process, measured one after the
other; (d) runs in a second server on PostgreSQL 15 (its database server's CPU is not counted).
Cells are median / p99 (n = samples). A system stops at the first concurrency level where it
loses streams (the client gives up after 180 s); the levels above it are not run.

## Where the time goes

- Every system shares one Node.js process per server, and the simulated agent (Mastra + AI SDK)
  keeps it near one full core at 50 concurrent turns already, so first tokens queue up behind
  CPU for everyone, the direct baseline included; two cores are used by running two instances
  on PostgreSQL ([operations.md](operations.md#scaling-out-on-postgresql)).
- A durable turn is a workflow run: start, a step that stores the user message, the reply step,
  then the usage and closing steps, each a queue hop with its event-log writes. That fixed cost
  (about 100 ms on this machine) is the time-to-first-token gap to (a) and (b).
- Tokens are written to the durable stream in fewer, larger deltas when they arrive faster
  than a write completes (\`DeltaCoalescer\`); readers get the same text.
- The local world keeps one file per chunk and event; under hundreds of concurrent turns its
  file I/O becomes the limit, where the Postgres world keeps going.

## Targets

${table(['Target', 'Measured', ''], targets(results))}

## Time to first token (ms)

![time to first token](../bench/results/ttft.svg)

${table(
  ['System', 'median / p99', 'ratio to (a), median'],
  names.map((name) => [label(name), cell(results.ttftMs[name]), ratio(results.ttftMs[name]?.median, results.ttftMs.direct?.median)]),
)}

## Sustained tokens per second, one stream, model as fast as possible

![throughput](../bench/results/throughput.svg)

${table(
  ['System', 'median / p99', 'ratio to (a), median'],
  names.map((name) => [label(name), cell(results.tokensPerSecond[name]), ratio(results.tokensPerSecond[name]?.median, results.tokensPerSecond.direct?.median)]),
)}

## Resume latency: reconnect to first replayed chunk (ms)

![resume latency](../bench/results/resume.svg)

${table(
  ['System', 'run in progress', 'finished run'],
  names.map((name) => [label(name), cell(results.resumeMs[name]?.inProgress), cell(results.resumeMs[name]?.finished)]),
)}

(a) cannot resume at all; resumable-stream re-attaches only while the producing request is
still running and cannot replay a finished reply.

## Concurrency: N turns at once, 40 tokens/s each

![p99 gap between chunks](../bench/results/concurrency.svg)

${table(['System', 'N', 'completed', 'first token ms (median / p99)', 'gap between deltas ms (median / p99)', 'p99 ratio to (a)', 'wall s', 'server CPU (of one core)', 'peak RSS MB'], concurrencyRows)}

## Cold burst: N turns at once right after a start (ours)

${results.coldBurst?.length ? table(coldBurstHeader, coldBurstRows(results.coldBurst)) : 'Not measured in this run.'}

The burst arrives at a server that has just started (its first workflow replay and step happen
inside it), again once that server is warm, and at one restarted after a SIGKILL with as many runs
in flight, which it recovers meanwhile. 200 idle connections stay open beside each
burst, from loopback addresses that only DNS could name, the way a busy instance holds its users'
tabs. The stall is the server's own event-loop delay monitor (\`nodejs_eventloop_lag_max_seconds\`).

## What the rate limits cost a turn (ours, local world)

${
  results.admissionTtftMs
    ? '![admission](../bench/results/admission.svg)\n\n' +
      table(
        ['Rate limits', 'time to first token ms, median / p99', 'ratio to off, median'],
        [
          ['off (`RATE_LIMIT_RUNS=0`, `RATE_LIMIT_ACTIVE_RUNS=0`)', cell(results.admissionTtftMs.off), '1×'],
          ['on (4 turns at once, per-window counter)', cell(results.admissionTtftMs.on), ratio(results.admissionTtftMs.on.median, results.admissionTtftMs.off.median)],
        ],
      )
    : 'Not measured in this run.'
}

Short turns started one after another on two servers that differ only in their limits, sampled
alternately. With limits on, each start also takes the user's lease, reads their active runs
and asks the world about the ones not yet charged.

## Durable writes and bytes stored per 1,000 streamed tokens

![writes](../bench/results/writes.svg)

${table(
  ['System', 'writes', 'bytes'],
  names.map((name) => [label(name), String(results.writesPer1kTokens[name]?.writes ?? '–'), String(results.writesPer1kTokens[name]?.bytes ?? 'n/a')]),
)}

Writes are files (local world: stream chunks, events, steps, runs), rows (Postgres world) or
Redis write commands (resumable-stream: publishes and key updates).
`;
}

export async function writeReport(results: BenchResults, root: string): Promise<void> {
  const dir = path.join(root, 'bench/results');
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  await writeFile(path.join(dir, `${results.finishedAt.replace(/[:.]/g, '-')}.json`), json);
  await writeFile(path.join(dir, 'latest.json'), json);
  const names = results.systems.map((system) => system.name);
  const labels = results.systems.map((system) => system.label);
  const medianP99 = (pick: (name: SystemName) => Summary | null | undefined) => [
    { label: 'median', values: names.map((name) => pick(name)?.median ?? null) },
    { label: 'p99', values: names.map((name) => pick(name)?.p99 ?? null) },
  ];
  await writeFile(
    path.join(dir, 'ttft.svg'),
    barChart(
      'Time to first token',
      'ms, lower is better',
      labels,
      medianP99((name) => results.ttftMs[name]),
    ),
  );
  await writeFile(
    path.join(dir, 'throughput.svg'),
    barChart(
      'Sustained tokens per second, one stream',
      'tokens/s, higher is better',
      labels,
      medianP99((name) => results.tokensPerSecond[name]),
    ),
  );
  await writeFile(
    path.join(dir, 'resume.svg'),
    barChart('Resume: reconnect to first chunk', 'ms, p99; missing bar = cannot resume', labels, [
      { label: 'in progress', values: names.map((name) => results.resumeMs[name]?.inProgress?.p99 ?? null) },
      { label: 'finished', values: names.map((name) => results.resumeMs[name]?.finished?.p99 ?? null) },
    ]),
  );
  await writeFile(
    path.join(dir, 'concurrency.svg'),
    lineChart(
      'p99 gap between chunks under N concurrent turns',
      'ms, lower is better; x = concurrent turns at 40 tokens/s',
      results.settings.concurrency,
      names.map((name, index) => ({ name: labels[index] ?? name, values: results.settings.concurrency.map((n) => results.concurrency[name]?.find((row) => row.turns === n)?.gapMs.p99 ?? null) })),
    ),
  );
  await writeFile(
    path.join(dir, 'writes.svg'),
    barChart('Durable writes per 1,000 tokens', 'count, lower is better', labels, [{ label: 'writes', values: names.map((name) => results.writesPer1kTokens[name]?.writes ?? null) }]),
  );
  const admission = results.admissionTtftMs;
  if (admission) {
    await writeFile(
      path.join(dir, 'admission.svg'),
      barChart(
        'Time to first token, rate limits off and on (ours, local world)',
        'ms, lower is better',
        ['limits off', 'limits on'],
        [
          { label: 'median', values: [admission.off.median, admission.on.median] },
          { label: 'p99', values: [admission.off.p99, admission.on.p99] },
        ],
      ),
    );
  }
  const target = path.join(root, 'docs/performance.md');
  await writeFile(target, markdown(results) + (await keptSections(target)));
}

/**
 * The soak and retention figures come from separate runs (`BENCH_SOAK_TURNS`,
 * `bench/retention-growth.ts`) and are written by hand: a regenerated report keeps them.
 */
async function keptSections(file: string): Promise<string> {
  const current = await readFile(file, 'utf8').catch(() => '');
  const start = current.indexOf(keptSectionsMarker);
  return start === -1 ? '' : `\n${current.slice(start)}`;
}

const keptSectionsMarker = '## Soak and retention';
