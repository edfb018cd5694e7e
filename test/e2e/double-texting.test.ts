import { describe, expect, it } from 'vitest';
import { expectPageMatchesStore, openNewChat, sendMessage, shownMessages, waitForStatus } from './chat-page';
import { useE2E } from './fixture';

const e2e = useE2E();

describe('a message sent while the thread is still answering (reject policy)', () => {
  it('is handed back to the input while the page attaches to the answering run', async () => {
    const { context, page: first } = await openNewChat(e2e.browser, e2e.server.url);
    // A second tab, opened while the thread was idle, does not know the first tab is sending.
    const second = await context.newPage();
    await second.goto(first.url());
    await waitForStatus(second, 'ready', 20_000);

    await sendMessage(first, 'A long answer [[sim words=150 tps=25]]');
    await waitForStatus(first, 'streaming', 10_000);
    await sendMessage(second, 'And another thing');

    await expect.poll(() => second.getByRole('status').innerText(), { timeout: 10_000 }).toContain('Still answering');
    expect(await second.getByPlaceholder('Message Durable Chat').inputValue()).toBe('And another thing');
    await Promise.all([waitForStatus(first, 'ready'), waitForStatus(second, 'ready')]);
    expect((await shownMessages(second)).map((message) => message.role)).toEqual(['user', 'assistant']);
    await expectPageMatchesStore(first);
    await expectPageMatchesStore(second);
    await context.close();
  });
});
