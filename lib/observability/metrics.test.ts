import { describe, expect, it } from 'vitest';
import { createMetrics, getMetrics } from './metrics';
import { authorizeScrape, scrapeResponse } from './scrape';

describe('the metrics registry', () => {
  it('registers the chat metrics and the process metrics in its own registry', async () => {
    const metrics = createMetrics();
    metrics.runs.inc({ status: 'completed' });
    metrics.tokens.inc({ kind: 'output' }, 42);
    metrics.timeToFirstToken.observe(0.3);
    const text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE chat_runs_total counter');
    expect(text).toContain('chat_runs_total{status="completed"} 1');
    expect(text).toContain('chat_model_tokens_total{kind="output"} 42');
    expect(text).toContain('chat_time_to_first_token_seconds_bucket{le="0.5"} 1');
    expect(text).toContain('chat_time_to_first_token_seconds_count 1');
    for (const name of ['chat_stream_resumes_total', 'chat_reply_retries_total', 'chat_active_streams', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('can be created twice (each registry is its own), and one is shared per process', () => {
    expect(() => createMetrics()).not.toThrow();
    expect(getMetrics()).toBe(getMetrics());
  });

  it('serves the text exposition format with the registry content type', async () => {
    const response = await scrapeResponse(createMetrics());
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await response.text()).toContain('chat_active_streams 0');
  });
});

describe('scrape authorization', () => {
  const scrape = (authorization?: string) => new Request('http://localhost/api/metrics', { headers: authorization ? { authorization } : {} });

  it('admits anyone when no token is configured', () => {
    expect(() => authorizeScrape(scrape(), undefined)).not.toThrow();
  });

  it('admits only the configured bearer token', () => {
    const token = 'metrics-token-0123456789';
    expect(() => authorizeScrape(scrape(`Bearer ${token}`), token)).not.toThrow();
    for (const header of [undefined, 'Bearer wrong-token', `Basic ${token}`, token]) {
      expect(() => authorizeScrape(scrape(header), token)).toThrow(expect.objectContaining({ code: 'unauthorized:metrics', status: 401 }));
    }
  });
});
