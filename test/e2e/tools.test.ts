import { describe, expect, it } from 'vitest';
import { runIdOfReply } from '../../lib/stream/message-protocol';
import { runRecords, toolTurnPrompt } from '../support/tool-turns';
import { expectPageMatchesStore, openNewChat, sendMessage, shownMessages, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E();

const toolCards = async (page: Parameters<typeof shownMessages>[0]) => (await shownMessages(page)).findLast((message) => message.role === 'assistant')?.tools ?? [];
const done = ['weather:output-available', 'research:output-available', 'save_note:output-available'];

describe('tool calls in Chromium', () => {
  it('shows each tool as a card that runs and completes; a reload inside the slow tool resumes it', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, toolTurnPrompt({ tps: 30 }));
    await expect.poll(() => toolCards(page), { timeout: 20_000 }).toEqual(['weather:output-available', 'research:input-available']);

    await page.reload();
    await page.locator('[data-role="user"]').first().waitFor({ timeout: 20_000 });
    await waitForStatus(page, 'ready', 30_000);
    const [, reply] = await shownMessages(page);
    expect(reply?.tools).toEqual(done);
    expect(reply?.text.match(/Let me check that with/g)).toHaveLength(3);
    await expectPageMatchesStore(page);
    const runId = runIdOfReply(reply?.id ?? '');
    expect((await runRecords(e2e.server, runId ?? '')).notes).toBe(1);
    await context.close();
  });

  it('shows a tool turn retried after a provider error with every step once', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, toolTurnPrompt({ tps: 40, extra: 'fail_at=2 fail_step=2' }));
    await waitForStatus(page, 'streaming', 10_000);
    await waitForStatus(page, 'ready', 30_000);
    const [, reply] = await shownMessages(page);
    expect(reply?.tools).toEqual(done);
    for (const tool of ['weather', 'research', 'save_note']) expect(reply?.text.split(`Let me check that with ${tool}.`)).toHaveLength(2);
    await expectPageMatchesStore(page);
    await context.close();
  });
});
