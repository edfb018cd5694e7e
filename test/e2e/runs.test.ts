import { describe, expect, it } from 'vitest';
import { openNewChat, sendMessage, shownMessages, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E();

describe('the runs page', () => {
  it('shows a run live until it completes, with its tokens, and links to its thread', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    const threadUrl = page.url();
    await sendMessage(page, 'Take your time [[sim words=80 tps=20]]');
    await waitForStatus(page, 'streaming', 10_000);

    await page.getByRole('link', { name: 'Runs →' }).click();
    await page.waitForURL(/\/runs$/);
    const status = page.getByTestId('run-status');
    await expect.poll(() => status.count(), { timeout: 10_000 }).toBe(1);
    expect(await status.innerText()).toBe('running');
    // No reload: the page polls while a run is active.
    await expect.poll(() => status.innerText(), { timeout: 20_000 }).toBe('completed');
    // Nothing is live any more: the page stops asking.
    let polls = 0;
    page.on('request', (request) => void (new URL(request.url()).pathname === '/api/runs' && polls++));
    await page.waitForTimeout(2_500);
    expect(polls).toBe(0);
    expect(await page.getByTestId('run-tokens').innerText()).toMatch(/^[\d,]+ \/ 80$/);

    await page.getByTestId('run-thread-link').click();
    await page.waitForURL(threadUrl);
    await expect.poll(async () => (await shownMessages(page)).map((message) => message.role), { timeout: 10_000 }).toEqual(['user', 'assistant']);
    await context.close();
  });
});
