import { describe, expect, it } from 'vitest';
import { openNewChat, sendMessage, shownMessages, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E({ env: { RATE_LIMIT_RUNS: '1', RATE_LIMIT_WINDOW_SECONDS: '60' } });

describe('a message over the rate limit, in Chromium', () => {
  it('is handed back to the input with the reason, and nothing is stored', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'First [[sim words=5 tps=0]]');
    await waitForStatus(page, 'ready', 20_000);

    const firstThread = page.url();
    await page.goto(e2e.server.url);
    await page.waitForURL((url) => url.pathname.startsWith('/chat/') && url.href !== firstThread);
    await waitForStatus(page, 'ready', 20_000);
    await sendMessage(page, 'One too many');
    await expect.poll(() => page.getByRole('status').innerText(), { timeout: 10_000 }).toMatch(/Too many new turns: the limit is 1 per 60 s; try again in \d+ s/);
    expect(await page.getByPlaceholder('Message Durable Chat').inputValue()).toBe('One too many');
    expect(await shownMessages(page)).toEqual([]);
    const threadId = new URL(page.url()).pathname.split('/').at(-1);
    expect(await page.evaluate(async (id) => (await fetch(`/api/threads/${id}`)).status, threadId)).toBe(404);
    await context.close();
  });
});
