import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectPageMatchesStore, openNewChat, sendMessage, shownMessages, storedThread, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

// 3.6 seconds: a finished run's stream is gone a few seconds after it ends.
const e2e = useE2E({ env: { RUN_RETENTION_HOURS: '0.001' } });

/** Waits until the run has ended and its stream was pruned (410), asking as the page's user. */
async function waitUntilPruned(context: BrowserContext, runId: string): Promise<void> {
  const { url } = e2e.server;
  await expect.poll(async () => (await (await context.request.get(`${url}/api/chat/${runId}`)).json()).status, { timeout: 30_000, interval: 250 }).toBe('completed');
  await expect.poll(async () => (await context.request.get(`${url}/api/chat/${runId}/stream?startIndex=0`)).status(), { timeout: 30_000, interval: 250 }).toBe(410);
}

const runIdsOf = async (context: BrowserContext): Promise<string[]> => {
  const body: { runs: Array<{ runId: string }> } = await (await context.request.get(`${e2e.server.url}/api/runs`)).json();
  return body.runs.map((run) => run.runId);
};

describe('a thread whose runs were pruned, in Chromium', () => {
  it('shows every message after a reload, from memory', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'First question [[sim words=30 tps=60]]');
    await waitForStatus(page, 'ready');
    await sendMessage(page, 'Second question [[sim words=30 tps=60]]');
    await expect.poll(async () => (await shownMessages(page)).length, { timeout: 20_000 }).toBe(4);
    await waitForStatus(page, 'ready');
    for (const runId of await runIdsOf(context)) await waitUntilPruned(context, runId);

    await page.reload();
    await page.locator('[data-role="assistant"]').nth(1).waitFor({ timeout: 20_000 });
    expect((await shownMessages(page)).map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    await expectPageMatchesStore(page);
    await context.close();
  });

  it('shows the stored answer when the run it attaches to has lost its stream (410)', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'Answer slowly [[sim words=80 tps=25]]');
    await waitForStatus(page, 'streaming', 10_000);
    await expect.poll(async () => (await storedThread(page)).activeRunId, { timeout: 10_000 }).toMatch(/^wrun_/);
    const runId = (await storedThread(page)).activeRunId ?? '';

    // The reloaded page learns the run is active, then its stream request is held until the
    // run has ended and been pruned: the server answers it 410.
    let held = 0;
    await page.route('**/api/chat/*/stream*', async (route) => {
      held++;
      await waitUntilPruned(context, runId);
      await route.continue();
    });
    await page.reload();
    await expect.poll(() => held, { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(async () => (await shownMessages(page)).map((message) => message.role), { timeout: 60_000 }).toEqual(['user', 'assistant']);
    await waitForStatus(page, 'ready');
    await expectPageMatchesStore(page);
    await context.close();
  });
});
