import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../support/browser';
import { removeDataDir, startServer, type TestServer } from '../support/server';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (server) await removeDataDir(server.dataDir);
});

const assistantText = (page: Page) => page.locator('[data-role="assistant"]').last().innerText();
const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

async function storedThread(page: Page) {
  const threadId = new URL(page.url()).pathname.split('/').at(-1);
  return page.evaluate(async (id) => (await fetch(`/api/threads/${id}`)).json(), threadId);
}

describe('reload mid-stream in Chromium', () => {
  it('continues the live answer in the reloaded page, once, without duplicated text', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForURL(/\/chat\//);
    await page.getByPlaceholder('Message Durable Chat').fill('Tell me about durable streams [[sim words=160 tps=25]]');
    await page.keyboard.press('Enter');
    await expect.poll(async () => wordCount(await assistantText(page).catch(() => '')), { timeout: 20_000 }).toBeGreaterThan(15);
    await expect.poll(async () => (await storedThread(page)).activeRunId, { timeout: 5_000 }).toMatch(/^wrun_/);

    await page.reload();
    // The history is back at once, and the answer is still streaming: the page resumed the run.
    await page.locator('[data-role="user"]').first().waitFor({ timeout: 20_000 });
    await expect.poll(() => page.getByTestId('chat-status').getAttribute('data-status'), { timeout: 10_000 }).toBe('streaming');
    await expect.poll(() => page.getByTestId('chat-status').getAttribute('data-status'), { timeout: 30_000 }).toBe('ready');

    const stored = await storedThread(page);
    expect(stored.activeRunId).toBeNull();
    expect(stored.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(await page.locator('[data-role="user"]').count()).toBe(1);
    expect(await page.locator('[data-role="assistant"]').count()).toBe(1);

    const storedText: string = stored.messages[1].parts.map((part: { text?: string }) => part.text ?? '').join('');
    const shown = await assistantText(page);
    const firstSentence = storedText.slice(0, storedText.indexOf('.') + 1);
    expect(firstSentence.length).toBeGreaterThan(10);
    expect(shown.split(firstSentence)).toHaveLength(2);
    expect(wordCount(shown.replaceAll('•', ''))).toBeGreaterThanOrEqual(wordCount(storedText.replace(/^- /gm, '')) - 2);
    expect(shown.trim().endsWith(storedText.trim().split(/\s+/).at(-1) ?? '?')).toBe(true);
    await page.screenshot({ path: `${server.dataDir}/after-reload.png` });
  });
});
