import { type ColdBurstResult, coldBurstMet } from './cold-burst';
import { type ConcurrencyResult, cpuSecondsPerTurn } from './measures';
import type { BenchResults, SystemName } from './report';
import { ratio } from './stats';

const verdict = (ok: boolean | undefined) => (ok === undefined ? 'not measured' : ok ? 'met' : 'missed');

const at = (results: BenchResults, name: SystemName, turns: number): ConcurrencyResult | undefined => results.concurrency[name]?.find((row) => row.turns === turns);

const cpuPerTurn = (row: ConcurrencyResult | undefined) => (row ? cpuSecondsPerTurn(row) : undefined);

const within = (value: number | undefined, base: number | undefined, factor: number) => (value === undefined || base === undefined ? undefined : value <= base * factor);

const coldBurstCell = (rows: ColdBurstResult[] | undefined) => (rows?.length ? rows.map((row) => `${row.world}: ${coldBurstMet(row) ? 'yes' : 'no'}`).join(', ') : '–');

/** The performance issue's targets, each against what this run measured. */
export function targets(results: BenchResults): string[][] {
  const direct = results.ttftMs.direct;
  const worlds = [
    { name: 'ours-local', label: 'local' },
    { name: 'ours-postgres', label: 'Postgres' },
  ] as const;
  const rows: string[][] = [];
  for (const { name, label } of worlds) {
    const ours = results.ttftMs[name];
    if (!ours) continue;
    rows.push([
      `Time to first token at idle (${label}): median within 2× of direct, p99 within 3×`,
      `${ratio(ours.median, direct?.median)} / ${ratio(ours.p99, direct?.p99)}`,
      verdict(direct ? ours.median <= direct.median * 2 && ours.p99 <= direct.p99 * 3 : undefined),
    ]);
  }
  const local200 = at(results, 'ours-local', 200);
  const direct200 = at(results, 'direct', 200);
  rows.push([
    '200 at once (local): all complete, first-token p99 within 1.5× of direct, gap p99 ≤ 250 ms',
    local200 ? `${local200.completed}/200, ${ratio(local200.firstTokenMs.p99, direct200?.firstTokenMs.p99)}, ${local200.gapMs.p99} ms` : '–',
    verdict(local200 ? local200.lost === 0 && local200.gapMs.p99 <= 250 && within(local200.firstTokenMs.p99, direct200?.firstTokenMs.p99, 1.5) === true : undefined),
  ]);
  const direct400 = at(results, 'direct', 400);
  for (const { name, label } of worlds) {
    const row = at(results, name, 400);
    if (!results.concurrency[name]) continue;
    rows.push([
      `400 at once (${label}): all complete, gap p99 within 2× of direct`,
      row ? `${row.completed}/400, ${ratio(row.gapMs.p99, direct400?.gapMs.p99)}` : 'not reached',
      verdict(row ? row.lost === 0 && within(row.gapMs.p99, direct400?.gapMs.p99, 2) === true : false),
    ]);
  }
  for (const { name, label } of worlds) {
    const row = at(results, name, 200);
    if (!row) continue;
    rows.push([`Server CPU per turn at 200 (${label}) within 1.5× of direct`, ratio(cpuPerTurn(row), cpuPerTurn(direct200)), verdict(within(cpuPerTurn(row), cpuPerTurn(direct200), 1.5))]);
  }
  const resume = results.resumeMs['ours-local'];
  const writes = results.writesPer1kTokens['ours-local'];
  rows.push(
    ['Resume to first chunk < 50 ms p99 (local world, in progress)', `${resume?.inProgress?.p99 ?? '–'} ms`, verdict(resume?.inProgress ? resume.inProgress.p99 < 50 : undefined)],
    ['≤ 50 durable writes per 1,000 tokens (local world)', `${writes?.writes ?? '–'}`, verdict(writes ? writes.writes <= 50 : undefined)],
    [
      'Cold burst (fresh and restarted) within 1.2× of warm, no event-loop stall over 200 ms',
      coldBurstCell(results.coldBurst),
      verdict(results.coldBurst?.length ? results.coldBurst.every(coldBurstMet) : undefined),
    ],
  );
  return rows;
}
