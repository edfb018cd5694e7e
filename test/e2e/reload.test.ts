import { describe, expect, it } from 'vitest';
import { expectPageMatchesStore, openNewChat, sendMessage, shownMessages, storedThread, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E();

const assistantWords = async (page: Parameters<typeof shownMessages>[0]) =>
  ((await shownMessages(page)).findLast((message) => message.role === 'assistant')?.text ?? '').split(/\s+/).filter(Boolean).length;

describe('a retried model call in Chromium', () => {
  it("replaces the failed attempt's partial text instead of repeating it", async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'Flaky provider [[sim words=60 tps=40 fail_at=20]]');
    await waitForStatus(page, 'streaming', 10_000);
    await waitForStatus(page, 'ready', 30_000);
    const reply = (await shownMessages(page))[1]?.text ?? '';
    const firstSentence = reply.slice(0, reply.indexOf('.') + 1);
    expect(firstSentence.length).toBeGreaterThan(10);
    expect(reply.split(firstSentence)).toHaveLength(2);
    await expectPageMatchesStore(page);
    await context.close();
  });
});

describe('reload mid-stream in Chromium', () => {
  it('shows the history once, continues the live answer, and ends equal to the stored thread', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'Tell me about durable streams [[sim words=160 tps=25]]');
    await expect.poll(() => assistantWords(page), { timeout: 20_000 }).toBeGreaterThan(15);
    await expect.poll(async () => (await storedThread(page)).activeRunId, { timeout: 5_000 }).toMatch(/^wrun_/);

    await page.reload();
    await page.locator('[data-role="user"]').first().waitFor({ timeout: 20_000 });
    await waitForStatus(page, 'streaming', 10_000);
    await waitForStatus(page, 'ready');

    const shown = await shownMessages(page);
    expect(shown.map((message) => message.role)).toEqual(['user', 'assistant']);
    const reply = shown[1]?.text ?? '';
    const firstSentence = reply.slice(0, reply.indexOf('.') + 1);
    expect(firstSentence.length).toBeGreaterThan(10);
    expect(reply.split(firstSentence)).toHaveLength(2);
    await expectPageMatchesStore(page);
    await context.close();
  });

  it('shows the live answer in a second tab opened mid-stream, from its start', async () => {
    const { context, page: first } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(first, 'Two tabs please [[sim words=120 tps=25]]');
    await expect.poll(() => assistantWords(first), { timeout: 20_000 }).toBeGreaterThan(10);

    const second = await context.newPage();
    await second.goto(first.url());
    await waitForStatus(second, 'streaming', 20_000);
    await Promise.all([waitForStatus(first, 'ready'), waitForStatus(second, 'ready')]);

    await expectPageMatchesStore(first);
    await expectPageMatchesStore(second);
    await context.close();
  });
});
