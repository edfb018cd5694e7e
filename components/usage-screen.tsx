'use client';

import { useEffect, useState } from 'react';
import { type UsageReportBody, usageReportSchema } from '@/lib/api/contracts';
import { readBody } from '@/lib/client/read-body';
import { ScreenHeader } from './screen-header';
import { type DayUsage, UsageChart } from './usage-chart';

export const formatCost = (micros: number) => `$${(micros / 1e6).toFixed(micros < 10_000 ? 6 : 4)}`;

/** Sums the per-model rows into one row per day, filling days without usage with zeros. */
function perDay(report: UsageReportBody): DayUsage[] {
  const days = new Map<string, DayUsage>();
  for (let day = new Date(`${report.from}T00:00:00Z`); day <= new Date(`${report.to}T00:00:00Z`); day = new Date(day.getTime() + 86_400_000)) {
    const key = day.toISOString().slice(0, 10);
    days.set(key, { day: key, inputTokens: 0, outputTokens: 0, costMicros: 0 });
  }
  for (const row of report.byDay) {
    const day = days.get(row.day);
    if (!day) continue;
    day.inputTokens += row.inputTokens;
    day.outputTokens += row.outputTokens;
    day.costMicros += row.costMicros;
  }
  return [...days.values()];
}

export function UsageScreen() {
  const [report, setReport] = useState<UsageReportBody | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    fetch('/api/billing/usage')
      .then(async (response) => {
        if (!response.ok) throw new Error(response.status === 401 ? 'Open a chat first to start a session.' : `Could not load usage (${response.status})`);
        setReport(await readBody(response, usageReportSchema));
      })
      .catch((failure: Error) => setError(failure.message));
  }, []);

  if (error) return <p className="screen-message error">{error}</p>;
  if (!report) return <p className="screen-message">Loading…</p>;
  return (
    <main className="usage">
      <ScreenHeader title="Usage" summary={`${report.from} – ${report.to}`} link={{ href: '/runs', label: 'Runs →' }} />
      <section className="usage-totals" data-testid="usage-totals">
        <div>
          <strong>{report.totals.runs}</strong> runs
        </div>
        <div>
          <strong>{report.totals.inputTokens.toLocaleString()}</strong> input tokens
        </div>
        <div>
          <strong>{report.totals.outputTokens.toLocaleString()}</strong> output tokens
        </div>
        <div>
          <strong>{formatCost(report.totals.costMicros)}</strong> charged
        </div>
      </section>
      <UsageChart days={perDay(report)} />
      <table className="runs-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Run</th>
            <th>Model</th>
            <th>Outcome</th>
            <th>Input</th>
            <th>Output</th>
            <th>Cost</th>
          </tr>
        </thead>
        <tbody>
          {report.runs.map((run) => (
            <tr key={run.runId}>
              <td>{new Date(run.createdAt).toLocaleString()}</td>
              <td>
                <a href={`/chat/${run.threadId}`}>{run.runId.slice(-8)}</a>
              </td>
              <td>{run.modelId}</td>
              <td>{run.outcome}</td>
              <td>{run.inputTokens.toLocaleString()}</td>
              <td>{run.outputTokens.toLocaleString()}</td>
              <td>{formatCost(run.costMicros)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
