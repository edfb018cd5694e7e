'use client';

import { useEffect, useState } from 'react';
import { useSession } from '@/hooks/use-session';
import { type RunSummaryBody, runPageSchema } from '@/lib/api/contracts';
import { readBody } from '@/lib/client/read-body';
import { ScreenHeader } from './screen-header';
import { formatCost } from './usage-screen';

const pollMs = 2_000;

/** The badge a person reads: a stopped turn ends `completed` in the world, but it was stopped. */
function shownStatus(run: RunSummaryBody): string {
  if (run.stopped) return 'stopped';
  if (run.active && run.stopRequestedAt) return 'stopping';
  return run.status;
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/**
 * Loads the runs; while any of them is still going, loads them again every two seconds. A failed
 * load while runs were live is tried again at the same pace: the page keeps what it showed.
 */
function useRuns(enabled: boolean): { runs: RunSummaryBody[] | null; error: string | null } {
  const [runs, setRuns] = useState<RunSummaryBody[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = false;
    const load = async () => {
      try {
        const response = await fetch('/api/runs');
        if (!response.ok) throw new Error(`Could not load runs (${response.status})`);
        const body = await readBody(response, runPageSchema);
        if (cancelled) return;
        setRuns(body.runs);
        setError(null);
        live = body.runs.some((run) => run.active);
      } catch (failure) {
        if (!cancelled) setError((failure as Error).message);
      }
      if (live && !cancelled) timer = setTimeout(load, pollMs);
    };
    void load();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [enabled]);
  return { runs, error };
}

export function RunsScreen() {
  const session = useSession();
  const { runs, error } = useRuns(session.status === 'ready');

  if (session.status === 'error') return <p className="screen-message error">{session.message}</p>;
  if (error && !runs) return <p className="screen-message error">{error}</p>;
  if (!runs) return <p className="screen-message">Loading…</p>;
  return (
    <main className="usage">
      <ScreenHeader
        title="Runs"
        summary={`${runs.length === 1 ? '1 run' : `${runs.length} runs`}${runs.some((run) => run.active) ? ' · live' : ''}${error ? ` · ${error}` : ''}`}
        link={{ href: '/usage', label: 'Usage and cost →' }}
      />
      {runs.length === 0 ? (
        <p className="empty">No runs yet: every message you send starts one.</p>
      ) : (
        <table className="runs-table" data-testid="runs-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Chunks</th>
              <th>Attempts</th>
              <th title="Charged input / output tokens">Tokens</th>
              <th>Cost</th>
              <th>Thread</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.runId} data-run-id={run.runId}>
                <td>
                  <span className={`run-status ${shownStatus(run)}`} data-testid="run-status">
                    {shownStatus(run)}
                  </span>
                </td>
                <td>{new Date(run.startedAt).toLocaleString()}</td>
                <td>{formatDuration(run.durationMs)}</td>
                <td>{run.chunks.toLocaleString()}</td>
                <td>{run.attempts || '–'}</td>
                <td data-testid="run-tokens">{run.charge ? `${run.charge.inputTokens.toLocaleString()} / ${run.charge.outputTokens.toLocaleString()}` : '–'}</td>
                <td>{run.charge ? formatCost(run.charge.costMicros) : '–'}</td>
                <td>
                  {/* A deleted conversation's runs stay listed with their charges, without a link to it. */}
                  {run.threadTitle === null ? (
                    <span className="muted" title={run.runId}>
                      Deleted conversation
                    </span>
                  ) : (
                    <a href={`/chat/${run.threadId}`} data-testid="run-thread-link" title={run.runId}>
                      {run.threadTitle || 'Untitled'}
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
