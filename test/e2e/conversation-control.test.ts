import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenAIStub, startOpenAIStub } from '../support/openai-stub';
import { expectPageMatchesStore, openNewChat, sendMessage, shownMessages, storedThread, waitForStatus, words } from './chat-page';
import { useE2E } from './fixture';

let stub: OpenAIStub;
// Filled in once the stub listens, before the server (registered after this hook) starts.
const env: Record<string, string> = {};
beforeAll(async () => {
  stub = await startOpenAIStub();
  Object.assign(env, { MODEL: 'stub-model', MODEL_BASE_URL: stub.baseURL, MODEL_API_KEY: 'test-key' });
});
afterAll(() => stub?.close());
const e2e = useE2E({ env });

/** Waits until the page has an answer after the last user message and is ready again. */
async function waitForAnswer(page: Page, answers: number): Promise<void> {
  await expect.poll(async () => (await shownMessages(page)).filter((message) => message.role === 'assistant').length, { timeout: 30_000 }).toBe(answers);
  await waitForStatus(page, 'ready');
}

const position = (page: Page) => page.getByTestId('version-position').textContent();
const lastAnswerText = async (page: Page) => words((await shownMessages(page)).findLast((message) => message.role === 'assistant')?.text ?? '');

describe('conversation control in Chromium', () => {
  it('regenerate, switch versions, edit, reload: the same state, equal to the stored thread; the model sees only the branch', async () => {
    const { page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'First question [[stub numbered]]');
    await waitForAnswer(page, 1);
    const firstAnswer = await lastAnswerText(page);

    await page.getByRole('button', { name: 'Regenerate' }).click();
    await expect.poll(() => position(page), { timeout: 30_000 }).toBe('2/2');
    await waitForStatus(page, 'ready');
    const secondAnswer = await lastAnswerText(page);
    expect(secondAnswer).not.toBe(firstAnswer);

    // The earlier answer stays readable, and the keyboard reaches the switcher.
    await page.getByRole('button', { name: 'Previous answer' }).focus();
    await page.keyboard.press('Enter');
    expect(await position(page)).toBe('1/2');
    expect(await lastAnswerText(page)).toBe(firstAnswer);
    await page.getByRole('button', { name: 'Next answer' }).click();
    expect(await position(page)).toBe('2/2');
    expect(await lastAnswerText(page)).toBe(secondAnswer);

    await sendMessage(page, 'Second question [[stub numbered]]');
    await waitForAnswer(page, 2);
    const secondQuestion = (await shownMessages(page)).findLast((message) => message.role === 'user');
    await page.locator(`[data-message-id="${secondQuestion?.id}"]`).getByRole('button', { name: 'Edit this message' }).click();
    const editor = page.getByRole('textbox', { name: 'Edit your message' });
    await editor.fill('Second question, edited [[stub numbered]]');
    await editor.press('Enter');
    await expect.poll(async () => words((await shownMessages(page)).findLast((message) => message.role === 'user')?.text ?? ''), { timeout: 30_000 }).toContain('edited');
    await waitForAnswer(page, 2);

    // The model saw the branch only: the kept answer and the edited question.
    const prompt = (stub.requests.at(-1)?.prompt ?? []).filter((message) => message.role !== 'system');
    expect(prompt.map((message) => [message.role, words(message.text)])).toEqual([
      ['user', words('First question [[stub numbered]]')],
      ['assistant', secondAnswer],
      ['user', words('Second question, edited [[stub numbered]]')],
    ]);

    await expectPageMatchesStore(page);
    const before = await shownMessages(page);
    expect(before.map((message) => message.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    await page.reload();
    await waitForStatus(page, 'ready');
    await expect.poll(() => shownMessages(page)).toEqual(before);
    expect(await position(page)).toBe('2/2');
    await page.getByRole('button', { name: 'Previous answer' }).click();
    expect(await lastAnswerText(page)).not.toBe(firstAnswer);
    expect(words((await shownMessages(page))[1]?.text ?? '')).toBe(firstAnswer);
    await page.context().close();
  });

  it('at 390 px the menu opens the thread list; delete asks first, works from the keyboard, and the thread is gone', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await page.setViewportSize({ width: 390, height: 800 });
    await sendMessage(page, 'Throw this away');
    await waitForAnswer(page, 1);
    const threadId = new URL(page.url()).pathname.split('/').at(-1) ?? '';

    const list = page.getByRole('navigation', { name: 'Conversations' });
    await expect.poll(() => list.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Conversations' }).click();
    await expect.poll(() => list.isVisible()).toBe(true);

    await list
      .locator(`[data-thread-id="${threadId}"]`)
      .getByRole('button', { name: /^Delete conversation/ })
      .focus();
    await page.keyboard.press('Enter');
    // Asked first: Cancel backs out and the thread stays.
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect((await storedThread(page)).messages).toHaveLength(2);

    await list
      .locator(`[data-thread-id="${threadId}"]`)
      .getByRole('button', { name: /^Delete conversation/ })
      .focus();
    await page.keyboard.press('Enter');
    // The confirmation takes the focus, so Enter confirms.
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => !url.pathname.endsWith(threadId));
    const status = await page.evaluate(async (id) => (await fetch(`/api/threads/${id}`)).status, threadId);
    expect(status).toBe(404);
    const { threads } = await page.evaluate(async () => (await fetch('/api/threads')).json());
    expect(threads.map((thread: { id: string }) => thread.id)).not.toContain(threadId);
    // Its run stays on the runs page, with its charge, as a deleted conversation.
    await page.goto(`${e2e.server.url}/runs`);
    await expect.poll(() => page.getByText('Deleted conversation').count(), { timeout: 15_000 }).toBe(1);
    await context.close();
  });

  it('says "Stopped" on an answer the user stopped, live and after a reload', async () => {
    const { context, page } = await openNewChat(e2e.browser, e2e.server.url);
    await sendMessage(page, 'Keep going [[stub words=400 ms=25]]');
    await expect.poll(async () => (await lastAnswerText(page)).split(' ').length, { timeout: 30_000 }).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForStatus(page, 'ready');
    await expect.poll(() => page.getByTestId('answer-state').textContent(), { timeout: 30_000 }).toBe('Stopped');
    await page.reload();
    await waitForStatus(page, 'ready');
    expect(await page.getByTestId('answer-state').textContent()).toBe('Stopped');
    await context.close();
  });

  it('follows the system dark mode with readable contrast', async () => {
    const context = await e2e.browser.newContext({ colorScheme: 'dark' });
    const page = await context.newPage();
    await page.goto(e2e.server.url);
    await page.waitForURL(/\/chat\//);
    await page.getByTestId('chat-status').waitFor();
    const colors = await page.evaluate(() => {
      const style = (selector: string) => getComputedStyle(document.querySelector(selector) as Element);
      return { background: style('html').backgroundColor, text: style('html').color, header: style('.chat-header').backgroundColor, muted: style('.status').color };
    });
    const luminance = (color: string) => {
      const [r, g, b] = (color.match(/\d+/g) ?? []).slice(0, 3).map((channel) => {
        const value = Number(channel) / 255;
        return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const contrast = (a: string, b: string) => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
    };
    expect(luminance(colors.background)).toBeLessThan(0.05);
    expect(contrast(colors.text, colors.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(colors.muted, colors.header)).toBeGreaterThanOrEqual(4.5);
    await context.close();
  });
});
